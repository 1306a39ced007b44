//! The notices' texts, in Swedish and English: one template per kind and status, and for fixes
//! one per category group × status with a generic one per status to fall back on; an outside
//! party's mail with its link has one of its own.
//!
//! Plain text only (no HTML to escape, nothing for a mail client to run). Whatever a person
//! wrote — the feedback, a rejection's reason — is quoted as written.

use jiff::civil::Date;
use trygg_domain::Lang;
use trygg_domain::notice::FixNotice;
use trygg_domain::tip::{TipCategory, TipStatus};

/// What a notice says, read from the records when it is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// The decision on a citizen's tip.
    TipDecision {
        /// Its reference number (`T-2026-000012`).
        reference: String,
        /// Its category.
        category: TipCategory,
        /// The decision.
        status: TipStatus,
    },
    /// Feedback from an EST meeting to a reporter.
    Feedback {
        /// The meeting's day.
        date: Date,
        /// What the meeting says.
        text: String,
    },
    /// A fix, to its owner.
    Fix(FixNotice),
    /// A fix, to an outside party's functional mailbox, with the link it answers through.
    FixLink(LinkMail),
}

/// What an outside party's mail says: the fix as its link shows it (never the reporter's
/// text), the link with its token, when it expires and whom to ask. Made when the mail is
/// sent and never stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkMail {
    /// The fix's reference (`F-2026-000042`).
    pub reference: String,
    /// The party's name as an owner of the fix.
    pub party: String,
    /// The category's label in Swedish.
    pub category_sv: String,
    /// The category's label in English.
    pub category_en: String,
    /// Where, in words or coordinates.
    pub place: String,
    /// The coordinator's description for the owner.
    pub description: String,
    /// The party's part, when the fix is split.
    pub part: Option<String>,
    /// When it is due.
    pub due: Option<Date>,
    /// The link (`https://trygg.kommun.se/atgard/{token}`).
    pub link: String,
    /// When the link stops working, in local time (`2026-12-15 12:00`).
    pub expires: String,
    /// The organisation managing the fix: whom to ask.
    pub organisation: String,
}

/// A rendered notice: the subject line and the plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The subject.
    pub subject: String,
    /// The body.
    pub body: String,
}

/// The notice in `lang`.
pub fn render(content: &Content, lang: Lang) -> Rendered {
    match content {
        Content::TipDecision {
            reference,
            category,
            status,
        } => tip(lang, reference, *category, status),
        Content::Feedback { date, text } => feedback(lang, *date, text),
        Content::Fix(f) => fix(lang, f),
        Content::FixLink(m) => fix_link(lang, m),
    }
}

fn tip(l: Lang, reference: &str, category: TipCategory, status: &TipStatus) -> Rendered {
    let (sv, en) = category.label();
    let what = l.t(sv, en).to_lowercase();
    let (subject, decision) = match status {
        TipStatus::Accepted { .. } => (
            l.t(
                "Ditt tips {ref} finns nu med i lägesbilden",
                "Your tip {ref} is now part of the situational picture",
            ),
            l.t(
                "Kommunen och polisen har gått igenom tipset och tagit med det i lägesbilden, det gemensamma underlaget för det brottsförebyggande arbetet.",
                "The municipality and the police have gone through the tip and added it to the situational picture, the shared basis for their crime prevention work.",
            )
            .to_string(),
        ),
        TipStatus::Noted => (
            l.t(
                "Ditt tips {ref} om en trygg plats är noterat",
                "Your tip {ref} about a safe place is noted",
            ),
            l.t(
                "Vi har noterat platsen. Platser som känns trygga visar vad som fungerar.",
                "We have noted the place. Places that feel safe show what works.",
            )
            .to_string(),
        ),
        TipStatus::Merged { .. } => (
            l.t(
                "Ditt tips {ref} är sammanfört med en tidigare rapport",
                "Your tip {ref} is merged with an earlier report",
            ),
            l.t(
                "Samma plats eller händelse fanns redan rapporterad, så tipset har förts samman med den rapporten och räknas med där.",
                "The same place or event had already been reported, so the tip has been merged with that report and counts there.",
            )
            .to_string(),
        ),
        TipStatus::Rejected { reason } => (
            l.t(
                "Ditt tips {ref} har inte tagits med",
                "Your tip {ref} has not been included",
            ),
            format!(
                "{}\n\n{} {reason}",
                l.t(
                    "Kommunen och polisen har gått igenom tipset men inte tagit med det i lägesbilden.",
                    "The municipality and the police have gone through the tip but not added it to the situational picture.",
                ),
                l.t("Skäl:", "Reason:"),
            ),
        ),
        TipStatus::New => (
            l.t(
                "Ditt tips {ref} har kommit fram",
                "Your tip {ref} has arrived",
            ),
            l.t(
                "Tipset väntar på att gås igenom.",
                "The tip waits to be gone through.",
            )
            .to_string(),
        ),
    };
    let body = format!(
        "{greeting}\n\n{thanks}\n\n{decision}\n\n{footer}\n",
        greeting = l.t("Hej!", "Hello,"),
        thanks = match l {
            Lang::Sv => format!("Tack för ditt tips {reference} ({what})."),
            Lang::En => format!("Thank you for your tip {reference} ({what})."),
        },
        footer = l.t(
            "Ring 112 vid nödläge och 114 14 för att anmäla brott.\n\nDet här meddelandet skickades automatiskt, för att du lämnade din e-postadress med tipset. Adressen raderas enligt kommunens gallringsregler.",
            "Call 112 in an emergency and 114 14 to report a crime.\n\nThis message was sent automatically because you left your e-mail address with the tip. The address is deleted by the municipality's retention rules.",
        ),
    );
    Rendered {
        subject: subject.replace("{ref}", reference),
        body,
    }
}

fn feedback(l: Lang, date: Date, text: &str) -> Rendered {
    Rendered {
        subject: format!(
            "{} {date}",
            l.t("Återkoppling från EST-mötet", "Feedback from the EST meeting")
        ),
        body: format!(
            "{greeting}\n\n{lead}\n\n{text}\n\n{footer}\n",
            greeting = l.t("Hej!", "Hello,"),
            lead = match l {
                Lang::Sv => format!("EST-mötet {date} har en återkoppling till dig som rapportör:"),
                Lang::En => format!("The EST meeting of {date} has feedback for you as a reporter:"),
            },
            footer = l.t(
                "All återkoppling finns i trygg under Mina rapporter. Det här meddelandet skickades automatiskt.",
                "All feedback is in trygg under My reports. This message was sent automatically.",
            ),
        ),
    }
}

/// A fix template: category group (`*` for any) × status → subject and lead, each in Swedish
/// and English. `{ref}`, `{place}` and `{category}` are filled in.
struct FixTemplate {
    group: &'static str,
    status: &'static str,
    subject: (&'static str, &'static str),
    lead: (&'static str, &'static str),
}

const FIX_TEMPLATES: &[FixTemplate] = &[
    // Unsafe places: lighting, litter, deserted spots — gatukontor, parks, property owners.
    FixTemplate {
        group: "otrygg-plats",
        status: "sent",
        subject: (
            "Otrygg plats att åtgärda: {ref}, {place}",
            "Unsafe place to fix: {ref}, {place}",
        ),
        lead: (
            "En plats som känns otrygg ({category}) har skickats till er som ansvariga för platsen. Trasig belysning, skymd sikt och nedskräpning gör att människor undviker en plats; åtgärda gärna det som går snabbt.",
            "A place that feels unsafe ({category}) has been sent to you as the ones responsible for it. Broken lighting, blocked views and litter make people avoid a place; please fix what can be fixed quickly.",
        ),
    },
    FixTemplate {
        group: "otrygg-plats",
        status: "overdue",
        subject: (
            "Försenad åtgärd på otrygg plats: {ref}, {place}",
            "Overdue fix at an unsafe place: {ref}, {place}",
        ),
        lead: (
            "Åtgärden på den otrygga platsen ({category}) har passerat sitt datum utan att vara klar.",
            "The fix at the unsafe place ({category}) has passed its due date without being done.",
        ),
    },
    // Vandalism and graffiti: sanering within the service level.
    FixTemplate {
        group: "skadegorelse",
        status: "sent",
        subject: (
            "Skadegörelse att åtgärda: {ref}, {place}",
            "Vandalism to fix: {ref}, {place}",
        ),
        lead: (
            "Skadegörelse ({category}) har skickats till er som ansvariga för platsen. Klotter och skador som tas bort snabbt kommer mer sällan tillbaka.",
            "Vandalism ({category}) has been sent to you as the ones responsible for the place. Graffiti and damage removed quickly come back less often.",
        ),
    },
    FixTemplate {
        group: "skadegorelse",
        status: "overdue",
        subject: (
            "Försenad sanering: {ref}, {place}",
            "Overdue clean-up: {ref}, {place}",
        ),
        lead: (
            "Saneringen av skadegörelsen ({category}) har passerat sitt datum utan att vara klar.",
            "The clean-up of the vandalism ({category}) has passed its due date without being done.",
        ),
    },
    // The generic template of each status.
    FixTemplate {
        group: "*",
        status: "sent",
        subject: (
            "Nytt åtgärdsärende: {ref}, {place}",
            "New fix: {ref}, {place}",
        ),
        lead: (
            "Ett åtgärdsärende ({category}) har skickats till er som ansvariga.",
            "A fix ({category}) has been sent to you as the ones responsible.",
        ),
    },
    FixTemplate {
        group: "*",
        status: "overdue",
        subject: (
            "Försenat åtgärdsärende: {ref}, {place}",
            "Overdue fix: {ref}, {place}",
        ),
        lead: (
            "Åtgärdsärendet ({category}) har passerat sitt datum utan att vara klart.",
            "The fix ({category}) has passed its due date without being done.",
        ),
    },
    FixTemplate {
        group: "*",
        status: "accepted",
        subject: (
            "Åtgärdsärendet {ref} är accepterat",
            "The fix {ref} is accepted",
        ),
        lead: (
            "Åtgärdsärendet ({category}) är accepterat av den ansvariga.",
            "The fix ({category}) is accepted by the one responsible.",
        ),
    },
    FixTemplate {
        group: "*",
        status: "planned",
        subject: (
            "Åtgärdsärendet {ref} är planerat",
            "The fix {ref} is planned",
        ),
        lead: (
            "Åtgärden ({category}) är planerad.",
            "The fix ({category}) is planned.",
        ),
    },
    FixTemplate {
        group: "*",
        status: "done",
        subject: ("Åtgärdsärendet {ref} är klart", "The fix {ref} is done"),
        lead: (
            "Åtgärden ({category}) är gjord. Händelserna runt platsen följs upp före och efter.",
            "The fix ({category}) is done. The incidents around the place are followed up before and after.",
        ),
    },
    FixTemplate {
        group: "*",
        status: "will_not_be_done",
        subject: (
            "Åtgärdsärendet {ref} blir inte gjort",
            "The fix {ref} will not be done",
        ),
        lead: (
            "Åtgärden ({category}) kommer inte att göras.",
            "The fix ({category}) will not be done.",
        ),
    },
];

/// The template for a category code and status: its group's, else the generic one of the
/// status, else `None` (an unknown status).
fn fix_template(category_code: &str, status: &str) -> Option<&'static FixTemplate> {
    let group = category_code.split('.').next().unwrap_or_default();
    FIX_TEMPLATES
        .iter()
        .find(|t| t.group == group && t.status == status)
        .or_else(|| {
            FIX_TEMPLATES
                .iter()
                .find(|t| t.group == "*" && t.status == status)
        })
}

fn fix(l: Lang, f: &FixNotice) -> Rendered {
    let category = l.t(&f.category_sv, &f.category_en);
    let fill = |s: &str| {
        s.replace("{ref}", &f.reference)
            .replace("{place}", &f.place)
            .replace("{category}", category)
    };
    let (subject, lead) = match fix_template(&f.category_code, &f.status) {
        Some(t) => (
            fill(l.t(t.subject.0, t.subject.1)),
            fill(l.t(t.lead.0, t.lead.1)),
        ),
        None => (
            fill(l.t(
                "Åtgärdsärendet {ref} har ändrats",
                "The fix {ref} has changed",
            )),
            fill(l.t(
                "Åtgärdsärendet ({category}) har fått en ny status.",
                "The fix ({category}) has a new status.",
            )),
        ),
    };
    let mut body = format!("{}\n\n{lead}\n\n", l.t("Hej!", "Hello,"));
    body.push_str(&format!(
        "{}: {}\n{}: {}\n",
        l.t("Ärende", "Fix"),
        f.reference,
        l.t("Plats", "Place"),
        f.place
    ));
    if let Some(due) = f.due {
        body.push_str(&format!("{}: {due}\n", l.t("Klart senast", "Due")));
    }
    if let Some(r) = f.reason.as_deref().filter(|r| !r.trim().is_empty()) {
        body.push_str(&format!("{}: {r}\n", l.t("Skäl", "Reason")));
    }
    body.push_str(&format!(
        "\n{} {}\n\n{}\n",
        l.t("Öppna ärendet:", "Open the fix:"),
        f.link,
        l.t(
            "Det här meddelandet skickades automatiskt av trygg.",
            "This message was sent automatically by trygg.",
        )
    ));
    Rendered { subject, body }
}

fn fix_link(l: Lang, m: &LinkMail) -> Rendered {
    let subject = match l {
        Lang::Sv => format!(
            "Åtgärdsärende till {}: {}, {}",
            m.party, m.reference, m.place
        ),
        Lang::En => format!("A fix for {}: {}, {}", m.party, m.reference, m.place),
    };
    let mut body = format!("{}\n\n", l.t("Hej!", "Hello,"));
    body.push_str(&match l {
        Lang::Sv => format!(
            "{} skickar ett åtgärdsärende till er, {}, som ansvariga för platsen. Svara via länken nedan: inget konto behövs.\n\n",
            m.organisation, m.party
        ),
        Lang::En => format!(
            "{} sends you, {}, a fix as the ones responsible for the place. Answer through the link below: no account is needed.\n\n",
            m.organisation, m.party
        ),
    });
    let mut field = |name: (&str, &str), value: &str| {
        body.push_str(&format!("{}: {value}\n", l.t(name.0, name.1)));
    };
    field(("Ärende", "Fix"), &m.reference);
    field(
        ("Kategori", "Category"),
        l.t(&m.category_sv, &m.category_en),
    );
    field(("Plats", "Place"), &m.place);
    field(("Vad ska göras", "What to do"), &m.description);
    if let Some(p) = m.part.as_deref().filter(|p| !p.trim().is_empty()) {
        field(("Er del", "Your part"), p);
    }
    if let Some(due) = m.due {
        field(("Klart senast", "Due"), &due.to_string());
    }
    body.push_str(&match l {
        Lang::Sv => format!(
            "\nÖppna ärendet och svara med status, text och gärna ett foto:\n{}\n\nLänken gäller till {}. Den som har länken kan svara på ärendet, så skicka den inte vidare utanför er organisation. Har länken gått ut, eller har ni frågor, kontakta {}.\n\nDet här meddelandet skickades automatiskt av trygg till er funktionsbrevlåda.\n",
            m.link, m.expires, m.organisation
        ),
        Lang::En => format!(
            "\nOpen the fix and answer with a status, a text and, if you like, a photo:\n{}\n\nThe link works until {}. Whoever has the link can answer the fix, so do not pass it on outside your organisation. If the link has expired, or you have questions, contact {}.\n\nThis message was sent automatically by trygg to your functional mailbox.\n",
            m.link, m.expires, m.organisation
        ),
    });
    Rendered { subject, body }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn fix_notice(code: &str, status: &str) -> FixNotice {
        FixNotice {
            reference: "F-2026-000042".into(),
            category_code: code.into(),
            category_sv: "Trasig belysning".into(),
            category_en: "Broken lighting".into(),
            status: status.into(),
            place: "Stora torget".into(),
            due: Some(date(2026, 12, 15)),
            link: "https://trygg.example.se/atgarder/42".into(),
            reason: None,
        }
    }

    #[test]
    fn every_fix_status_has_a_generic_template_and_groups_have_their_own() {
        for status in [
            "sent",
            "overdue",
            "accepted",
            "planned",
            "done",
            "will_not_be_done",
        ] {
            let t = fix_template("trafik.brott", status).expect(status);
            assert_eq!((t.group, t.status), ("*", status));
        }
        for group in ["otrygg-plats", "skadegorelse"] {
            for status in ["sent", "overdue"] {
                let t = fix_template(&format!("{group}.x"), status).unwrap();
                assert_eq!((t.group, t.status), (group, status));
            }
        }
        // Each (group, status) is written once.
        let mut seen = std::collections::HashSet::new();
        assert!(
            FIX_TEMPLATES
                .iter()
                .all(|t| seen.insert((t.group, t.status)))
        );
    }

    #[test]
    fn a_fix_renders_its_fields_in_each_language() {
        let f = fix_notice("otrygg-plats.belysning", "sent");
        let sv = render(&Content::Fix(f.clone()), Lang::Sv);
        assert_eq!(
            sv.subject,
            "Otrygg plats att åtgärda: F-2026-000042, Stora torget"
        );
        for part in [
            "trasig belysning",
            "Klart senast: 2026-12-15",
            "https://trygg.example.se/atgarder/42",
        ] {
            assert!(
                sv.body.to_lowercase().contains(&part.to_lowercase()),
                "{part}: {}",
                sv.body
            );
        }
        let en = render(&Content::Fix(f), Lang::En);
        assert_eq!(
            en.subject,
            "Unsafe place to fix: F-2026-000042, Stora torget"
        );
        assert!(en.body.contains("Due: 2026-12-15") && en.body.contains("Broken lighting"));
        let generic = render(
            &Content::Fix(fix_notice("trafik.brott", "overdue")),
            Lang::Sv,
        );
        assert_eq!(
            generic.subject,
            "Försenat åtgärdsärende: F-2026-000042, Stora torget"
        );
        let mut wont = fix_notice("skadegorelse.klotter", "will_not_be_done");
        wont.reason = Some("Fastigheten rivs i vår.".into());
        let en = render(&Content::Fix(wont), Lang::En);
        assert_eq!(en.subject, "The fix F-2026-000042 will not be done");
        assert!(en.body.contains("Reason: Fastigheten rivs i vår."));
        let odd = render(
            &Content::Fix(fix_notice("trafik.brott", "reopened")),
            Lang::En,
        );
        assert_eq!(odd.subject, "The fix F-2026-000042 has changed");
    }

    #[test]
    fn an_outside_partys_mail_tells_the_fix_the_link_its_expiry_and_whom_to_ask() {
        let m = LinkMail {
            reference: "F-2026-000042".into(),
            party: "Uppsalahem".into(),
            category_sv: "Klotter".into(),
            category_en: "Graffiti".into(),
            place: "Stora torget".into(),
            description: "Sanera klottret på elskåpet.".into(),
            part: None,
            due: Some(date(2026, 12, 15)),
            link: "https://trygg.example.se/atgard/abc".into(),
            expires: "2026-12-15 13:00".into(),
            organisation: "Uppsala kommun".into(),
        };
        let sv = render(&Content::FixLink(m.clone()), Lang::Sv);
        assert_eq!(
            sv.subject,
            "Åtgärdsärende till Uppsalahem: F-2026-000042, Stora torget"
        );
        for part in [
            "Uppsala kommun skickar ett åtgärdsärende till er, Uppsalahem",
            "Kategori: Klotter",
            "Vad ska göras: Sanera klottret på elskåpet.",
            "Klart senast: 2026-12-15",
            "https://trygg.example.se/atgard/abc",
            "Länken gäller till 2026-12-15 13:00",
            "kontakta Uppsala kommun",
        ] {
            assert!(sv.body.contains(part), "{part}: {}", sv.body);
        }
        assert!(!sv.body.contains("Er del"), "no part: {}", sv.body);
        let en = render(
            &Content::FixLink(LinkMail {
                part: Some("Klipp buskarna".into()),
                ..m
            }),
            Lang::En,
        );
        assert_eq!(
            en.subject,
            "A fix for Uppsalahem: F-2026-000042, Stora torget"
        );
        for part in [
            "Category: Graffiti",
            "Your part: Klipp buskarna",
            "The link works until 2026-12-15 13:00",
            "contact Uppsala kommun",
        ] {
            assert!(en.body.contains(part), "{part}: {}", en.body);
        }
    }

    #[test]
    fn a_rejected_tip_tells_the_reason_in_the_citizens_language() {
        let c = Content::TipDecision {
            reference: "T-2026-000007".into(),
            category: TipCategory::Klotter,
            status: TipStatus::Rejected {
                reason: "Platsen är privat mark.".into(),
            },
        };
        let sv = render(&c, Lang::Sv);
        assert_eq!(sv.subject, "Ditt tips T-2026-000007 har inte tagits med");
        assert!(
            sv.body.contains("Skäl: Platsen är privat mark."),
            "{}",
            sv.body
        );
        assert!(sv.body.contains("(klotter eller skadegörelse)"));
        let en = render(&c, Lang::En);
        assert_eq!(en.subject, "Your tip T-2026-000007 has not been included");
        assert!(en.body.contains("Reason: Platsen är privat mark."));
    }
}
