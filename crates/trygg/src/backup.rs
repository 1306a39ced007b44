//! `trygg backup` and `trygg restore`: the store's portable backup (see
//! `trygg_store::backup`), gzipped, written under a temporary name and renamed when whole.

use std::{
    fs::File,
    io::{BufRead, BufReader, BufWriter},
    path::{Path, PathBuf},
    time::Instant,
};

use anyhow::Context;
use clap::Args;
use flate2::{Compression, bufread::MultiGzDecoder, write::GzEncoder};
use trygg_domain::Actor;
use trygg_store::{
    Store,
    backup::{Reader, Writer},
};

/// `trygg backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write (gzipped JSON Lines; `.trygg.gz` is a good ending). An existing file
    /// is replaced only when the new backup is whole.
    #[arg(long)]
    pub output: PathBuf,
    /// Database URL (default: the configuration's).
    #[arg(long)]
    pub database: Option<String>,
}

/// `trygg restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file written by `trygg backup`.
    pub file: PathBuf,
    /// The empty database to restore into: sqlite://PATH (a new file) or postgres://… (a new,
    /// empty database: createdb first).
    #[arg(long)]
    pub database: String,
}

/// Writes a consistent backup of `store` to `args.output` while servers may keep writing.
pub async fn backup(store: &dyn Store, args: &BackupArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let partial = partial_name(&args.output);
    let file =
        File::create(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    let taken_at = jiff::Timestamp::now().to_string();
    let mut writer = Some(Writer::new(
        GzEncoder::new(
            BufWriter::with_capacity(1 << 20, file),
            Compression::default(),
        ),
        store.backend(),
        &taken_at,
    )?);
    let read = store
        .backup(&mut |item| writer.as_mut().expect("open until finished").write(item))
        .await;
    let written = read.and_then(|_| writer.take().expect("not finished yet").finish());
    let (gz, counts) = match written {
        Ok(done) => done,
        Err(e) => {
            std::fs::remove_file(&partial).ok();
            return Err(e).context("the backup failed; no file was written");
        }
    };
    let out = gz
        .finish()
        .context("cannot finish the compressed file")?
        .into_inner()
        .map_err(|e| e.into_error())
        .context("cannot write the backup")?;
    out.sync_all().context("cannot flush the backup to disk")?;
    drop(out);
    std::fs::rename(&partial, &args.output)
        .with_context(|| format!("cannot move the backup to {}", args.output.display()))?;
    let size = std::fs::metadata(&args.output).map_or(0, |m| m.len());
    println!(
        "Backed up {counts} to {} ({:.1} MB, {} database, taken at {taken_at}) in {:.1} s",
        args.output.display(),
        size as f64 / 1e6,
        store.backend(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Restores `args.file` into the empty database `store`, all or nothing.
pub async fn restore(store: &dyn Store, args: &RestoreArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let input = open(&args.file)?;
    let mut reader = Reader::new(input)
        .with_context(|| format!("{} cannot be restored", args.file.display()))?;
    let header = reader.header().clone();
    let counts = store
        .restore(&Actor::system("restore"), &header, &mut || {
            reader.next_item()
        })
        .await
        .with_context(|| {
            format!(
                "{} was not restored, and nothing was written",
                args.file.display()
            )
        })?;
    println!(
        "Restored {counts} from {} (a {} backup taken at {}) into the {} database in {:.1} s",
        args.file.display(),
        header.backend,
        header.taken_at,
        store.backend(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The file, unzipped if it is gzipped.
fn open(path: &Path) -> anyhow::Result<Box<dyn BufRead + Send>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut buffered = BufReader::with_capacity(1 << 20, file);
    let gzipped = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzipped {
        Box::new(BufReader::with_capacity(
            1 << 20,
            MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    })
}

/// Where a backup is written until it is whole.
fn partial_name(output: &Path) -> PathBuf {
    let mut name = output.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    output.with_file_name(name)
}
