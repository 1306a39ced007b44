//! Files uploaded on the web import page (`/importera`), held while their uploader maps the
//! file's unknown category values, so the file survives the mapping step without being
//! uploaded again.
//!
//! Why held here, in memory, and not re-posted in a hidden field or written to disk: a file of
//! tens of megabytes would travel back and forth in every step (base64 in the page, a third
//! larger, and held in the browser's memory); and a file of incidents is the partnership's
//! data, which must never lie in plain on the server's disk where backups and other users of
//! the machine would see it. Held files are bounded: at most [`MAX_FILES`] and [`MAX_BYTES`] in
//! all (the oldest give way), each for [`KEEP`] at most, each under an unguessable id and read
//! only by the user who uploaded it. A server restart forgets them (the page then asks for the
//! file again); behind a load balancer the steps of one import need the same server (sticky
//! sessions), or the page asks for the file again.
//!
//! Once a file is imported, what the import stored (counts and translated categories, no rows)
//! is kept here for [`KEEP`] under the same id, so the page can redirect after its POST and show
//! the result at a GET address (a reload shows it again and imports nothing twice).

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use trygg_domain::UserId;

use super::IncidentFile;

/// How long an uploaded file is held for its mapping step.
pub const KEEP: Duration = Duration::from_secs(30 * 60);
/// How many files are held at most (all users together).
pub const MAX_FILES: usize = 16;
/// How many bytes are held at most (all users together): the oldest files give way.
pub const MAX_BYTES: usize = 128 * 1024 * 1024;

/// A file and the options it was uploaded with.
#[derive(Debug, Clone)]
pub struct Upload {
    /// CSV or GeoJSON.
    pub kind: IncidentFile,
    /// The file's name as uploaded (shown on the page).
    pub name: String,
    /// The import's options (`crs`, `visibility`, `precision`), as the API takes them.
    pub params: Vec<(String, String)>,
    /// The file.
    pub bytes: Arc<[u8]>,
}

#[derive(Debug)]
struct Held {
    id: String,
    owner: UserId,
    at: Instant,
    upload: Upload,
}

#[derive(Debug)]
struct Done {
    id: String,
    owner: UserId,
    at: Instant,
    result: crate::ingest::BatchImport,
}

/// The held files (one per [`App`](crate::App), shared by its clones), and the results of the
/// imported ones.
#[derive(Debug, Default)]
pub struct Uploads {
    held: Mutex<VecDeque<Held>>,
    done: Mutex<VecDeque<Done>>,
}

impl Uploads {
    /// Holds `upload` for `owner` and answers its id. Expired files go first, then the oldest
    /// while more than [`MAX_FILES`] or [`MAX_BYTES`] would be held.
    pub fn hold(&self, owner: UserId, upload: Upload, now: Instant) -> String {
        let id = crate::credentials::generate_token();
        let mut held = self.lock();
        held.retain(|h| now.duration_since(h.at) < KEEP);
        let size = upload.bytes.len();
        while !held.is_empty()
            && (held.len() >= MAX_FILES
                || held.iter().map(|h| h.upload.bytes.len()).sum::<usize>() + size > MAX_BYTES)
        {
            held.pop_front();
        }
        held.push_back(Held {
            id: id.clone(),
            owner,
            at: now,
            upload,
        });
        id
    }

    /// The file `id`, if `owner` uploaded it and it has not expired.
    pub fn get(&self, owner: UserId, id: &str, now: Instant) -> Option<Upload> {
        self.lock()
            .iter()
            .find(|h| h.id == id && h.owner == owner && now.duration_since(h.at) < KEEP)
            .map(|h| h.upload.clone())
    }

    /// Forgets the file `id` (imported).
    pub fn forget(&self, id: &str) {
        self.lock().retain(|h| h.id != id);
    }

    /// Forgets the file `id` and keeps what its import stored, for its page.
    pub fn imported(
        &self,
        owner: UserId,
        id: &str,
        result: crate::ingest::BatchImport,
        now: Instant,
    ) {
        self.forget(id);
        let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        done.retain(|d| now.duration_since(d.at) < KEEP);
        while done.len() >= MAX_FILES {
            done.pop_front();
        }
        done.push_back(Done {
            id: id.to_string(),
            owner,
            at: now,
            result,
        });
    }

    /// What the import of file `id` stored, if `owner` imported it and it is still kept.
    pub fn result(
        &self,
        owner: UserId,
        id: &str,
        now: Instant,
    ) -> Option<crate::ingest::BatchImport> {
        self.done
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|d| d.id == id && d.owner == owner && now.duration_since(d.at) < KEEP)
            .map(|d| d.result.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Held>> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(bytes: usize) -> Upload {
        Upload {
            kind: IncidentFile::Csv,
            name: "fil.csv".into(),
            params: Vec::new(),
            bytes: vec![0u8; bytes].into(),
        }
    }

    #[test]
    fn a_file_is_read_only_by_its_owner_until_it_expires() {
        let uploads = Uploads::default();
        let t = Instant::now();
        let id = uploads.hold(UserId(1), upload(10), t);
        assert!(uploads.get(UserId(1), &id, t).is_some());
        assert!(uploads.get(UserId(2), &id, t).is_none(), "another user");
        assert!(uploads.get(UserId(1), "guess", t).is_none());
        assert!(uploads.get(UserId(1), &id, t + KEEP).is_none(), "expired");
        uploads.forget(&id);
        assert!(uploads.get(UserId(1), &id, t).is_none());
    }

    #[test]
    fn the_oldest_give_way_beyond_the_bounds() {
        let uploads = Uploads::default();
        let t = Instant::now();
        let ids: Vec<String> = (0..MAX_FILES + 2)
            .map(|_| uploads.hold(UserId(1), upload(1), t))
            .collect();
        assert!(uploads.get(UserId(1), &ids[0], t).is_none());
        assert!(uploads.get(UserId(1), &ids[1], t).is_none());
        assert!(uploads.get(UserId(1), &ids[2], t).is_some());
        let big = uploads.hold(UserId(1), upload(MAX_BYTES - 5), t);
        assert!(uploads.get(UserId(1), &big, t).is_some());
        assert_eq!(uploads.lock().len(), 6, "what fits beside it");
    }
}
