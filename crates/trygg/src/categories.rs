//! `trygg categories …` and `trygg synonyms …`: the partnership's own categories and category
//! synonyms at the server's console, through `trygg_app::categories::console` and
//! `trygg_app::synonyms::console` (audited as the console, on behalf of a named organisation).

use clap::Subcommand;
use trygg_app::{App, categories::NewCategory};
use trygg_domain::{Actor, Taxonomy};

#[derive(Debug, Subcommand)]
pub enum CategoryCommand {
    /// List the whole taxonomy: code, group, Swedish and English label, "own" for the
    /// partnership's own categories.
    List,
    /// Add an own category under a standard group (codes are stable: it cannot be removed).
    Add {
        /// The group's code, e.g. ordning (`trygg categories list` shows them).
        #[arg(long)]
        group: String,
        /// The code, GROUP.NAME (a-z, 0-9, -); made from the Swedish label when omitted.
        #[arg(long)]
        code: Option<String>,
        /// Swedish label, e.g. "Ordningsstörning vid skolor".
        #[arg(long)]
        sv: String,
        /// English label, e.g. "Disorder at schools".
        #[arg(long)]
        en: String,
        /// The organisation it is added on behalf of (an existing one).
        #[arg(long)]
        organisation: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SynonymCommand {
    /// List the stored synonyms: id, value, code.
    List,
    /// Store a synonym: the VALUE in your files is trygg's category CODE.
    Add {
        /// The value as written in the files' category column, e.g. "Ordningsstörning".
        #[arg(long)]
        value: String,
        /// The category or group code, e.g. ordning.ovrigt.
        #[arg(long)]
        code: String,
        /// The organisation it is stored on behalf of (an existing one).
        #[arg(long)]
        organisation: String,
    },
    /// Remove a stored synonym.
    Remove {
        /// The synonym's id (from `trygg synonyms list`).
        id: i64,
    },
}

/// Runs a `trygg categories` command.
pub async fn categories(app: &App, cmd: CategoryCommand) -> anyhow::Result<()> {
    match cmd {
        CategoryCommand::List => {
            for c in Taxonomy.all() {
                println!(
                    "{}\t{}\t{}\t{}{}",
                    c.code,
                    c.parent.unwrap_or("-"),
                    c.label_sv,
                    c.label_en,
                    if c.own { "\town" } else { "" }
                );
            }
        }
        CategoryCommand::Add {
            group,
            code,
            sv,
            en,
            organisation,
        } => {
            let new = NewCategory {
                group,
                code,
                label_sv: sv,
                label_en: en,
            };
            let actor = Actor::system("cli categories");
            let c = trygg_app::categories::console::add(app, &actor, &organisation, &new).await?;
            println!(
                "Added the category {} ({} / {})",
                c.data.code, c.data.label_sv, c.data.label_en
            );
        }
    }
    Ok(())
}

/// Runs a `trygg synonyms` command.
pub async fn synonyms(app: &App, cmd: SynonymCommand) -> anyhow::Result<()> {
    let actor = Actor::system("cli synonyms");
    match cmd {
        SynonymCommand::List => {
            for s in trygg_app::synonyms::console::list(app).await? {
                println!("{}\t{}\t{}", s.meta.id, s.data.value, s.data.code);
            }
        }
        SynonymCommand::Add {
            value,
            code,
            organisation,
        } => {
            let s = trygg_app::synonyms::console::add(app, &actor, &organisation, &value, &code)
                .await?;
            println!(
                "Stored synonym {}: {:?} is read as {}",
                s.meta.id, s.data.value, s.data.code
            );
        }
        SynonymCommand::Remove { id } => {
            trygg_app::synonyms::console::remove(app, &actor, id).await?;
            println!("Removed synonym {id}");
        }
    }
    Ok(())
}
