//! The SMTP side: `[smtp]` in `trygg.toml` and the mailer over lettre's async transport.

use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::{
    AsyncSmtpTransport, authentication::Credentials, extension::ClientId,
};
use lettre::{AsyncTransport, Message, Tokio1Executor};
use serde::Deserialize;

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain SMTP (a relay on the same host or network; no credentials over it).
    None,
    /// STARTTLS on the submission port (587), required: the default.
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS, port 465).
    Tls,
}

/// `[smtp]`: the mail server notices are sent through. Without it nothing is sent.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// The server's host name.
    pub host: String,
    /// Its port: default 25 without TLS, 587 with STARTTLS, 465 with TLS.
    #[serde(default)]
    pub port: Option<u16>,
    /// `none`, `starttls` (default) or `tls`.
    #[serde(default)]
    pub tls: TlsMode,
    /// The user to sign in as, if the server asks.
    #[serde(default)]
    pub user: Option<String>,
    /// The password (better from `TRYGG_SMTP_PASSWORD`); never printed.
    #[serde(default)]
    pub password: Option<String>,
    /// The sender: `trygg@kommun.se` or `Trygg <trygg@kommun.se>`.
    pub from: String,
    /// Where replies go, if not to the sender (the coordinators' shared mailbox).
    #[serde(default)]
    pub reply_to: Option<String>,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port())
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .field("reply_to", &self.reply_to)
            .finish()
    }
}

impl SmtpConfig {
    /// The port in use.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            TlsMode::None => 25,
            TlsMode::Starttls => 587,
            TlsMode::Tls => 465,
        })
    }

    /// Checks what would otherwise fail at the first mail, and says what to write instead.
    pub fn check(&self) -> Result<(), String> {
        if self.host.trim().is_empty() {
            return Err("[smtp] host is empty: name the mail server (smtp.kommun.se)".into());
        }
        self.from.parse::<Mailbox>().map_err(|e| {
            format!(
                "[smtp] from = {:?} is not an e-mail address ({e}): write it as trygg@kommun.se or \"Trygg <trygg@kommun.se>\"",
                self.from
            )
        })?;
        if let Some(r) = &self.reply_to {
            r.parse::<Mailbox>()
                .map_err(|e| format!("[smtp] reply_to = {r:?} is not an e-mail address ({e})"))?;
        }
        match (&self.user, &self.password) {
            (Some(_), None) => {
                return Err(
                    "[smtp] user is set without a password: set TRYGG_SMTP_PASSWORD (or password)"
                        .into(),
                );
            }
            (None, Some(_)) => {
                return Err("[smtp] a password is set without a user: set user too".into());
            }
            (Some(_), Some(_)) if self.tls == TlsMode::None => {
                return Err(
                    "[smtp] tls = \"none\" would send the password in clear: use tls = \"starttls\" or \"tls\""
                        .into(),
                );
            }
            _ => {}
        }
        Ok(())
    }
}

/// The mailer over SMTP (lettre, on tokio).
#[derive(Debug, Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    reply_to: Option<Mailbox>,
}

impl SmtpMailer {
    /// The mailer `config` describes (checked with [`SmtpConfig::check`] first).
    pub fn new(config: &SmtpConfig) -> Result<Self, String> {
        config.check()?;
        let from: Mailbox = config.from.parse().map_err(|e| format!("{e}"))?;
        let reply_to = match &config.reply_to {
            Some(r) => Some(r.parse().map_err(|e| format!("{e}"))?),
            None => None,
        };
        let host = config.host.trim();
        let builder = match config.tls {
            TlsMode::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            TlsMode::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| format!("[smtp] STARTTLS to {host}: {e}"))?,
            TlsMode::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|e| format!("[smtp] TLS to {host}: {e}"))?,
        };
        // EHLO with the sender's domain: no host-name lookup, and what relays expect.
        let domain = from.email.domain().to_string();
        let mut builder = builder
            .port(config.port())
            .hello_name(ClientId::Domain(domain))
            .timeout(Some(Duration::from_secs(30)));
        if let (Some(user), Some(password)) = (&config.user, &config.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self {
            transport: builder.build(),
            from,
            reply_to,
        })
    }
}

#[async_trait::async_trait]
impl super::Mailer for SmtpMailer {
    async fn send(&self, mail: &super::Mail) -> Result<(), super::SendError> {
        let to: Mailbox = mail.to.parse().map_err(|_| {
            super::SendError::Permanent("the recipient's address does not parse".into())
        })?;
        let mut message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN);
        if let Some(r) = &self.reply_to {
            message = message.reply_to(r.clone());
        }
        let message = message
            .body(mail.body.clone())
            .map_err(|e| super::SendError::Permanent(format!("the message does not build: {e}")))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| {
            // The server's words may repeat the address: keep the class and the code only.
            let code = e.status().map(|c| format!(" {c}")).unwrap_or_default();
            if e.is_permanent() {
                super::SendError::Permanent(format!("permanent SMTP error{code}"))
            } else if e.is_transient() {
                super::SendError::Transient(format!("transient SMTP error{code}"))
            } else if e.is_timeout() {
                super::SendError::Transient("the mail server did not answer in time".into())
            } else {
                super::SendError::Transient(
                    "no connection to the mail server (or TLS failed)".into(),
                )
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SmtpConfig {
        SmtpConfig {
            host: "smtp.kommun.se".into(),
            port: None,
            tls: TlsMode::Starttls,
            user: Some("trygg".into()),
            password: Some("hemligt".into()),
            from: "Trygg <trygg@kommun.se>".into(),
            reply_to: Some("samordnare@kommun.se".into()),
        }
    }

    #[test]
    fn a_good_config_builds_and_never_prints_its_password() {
        let c = config();
        assert_eq!(c.port(), 587);
        assert!(SmtpMailer::new(&c).is_ok());
        assert!(!format!("{c:?}").contains("hemligt"));
    }

    #[test]
    fn bad_configs_say_what_to_write() {
        let mut c = config();
        c.from = "trygg at kommun".into();
        assert!(c.check().unwrap_err().contains("trygg@kommun.se"));
        let mut c = config();
        c.password = None;
        assert!(c.check().unwrap_err().contains("TRYGG_SMTP_PASSWORD"));
        let mut c = config();
        c.tls = TlsMode::None;
        assert!(c.check().unwrap_err().contains("in clear"));
        c.user = None;
        c.password = None;
        assert_eq!(c.check(), Ok(()));
        assert_eq!(c.port(), 25);
    }
}
