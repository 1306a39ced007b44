//! The few SQLite C calls the bulk insert makes on a connection's own handle, behind a safe
//! interface: a borrowed [`Handle`], prepared [`Statement`]s that bind text without copying it,
//! and errors that sqlx's error classification understands ([`RawError`]).
//!
//! Why not a wrapper crate: rusqlite (the one built on the same `libsqlite3-sys`) always asks
//! SQLite to copy bound text, and for a million incidents those copies are a third of the
//! insert. Everything unsafe in the crate is in this file.
#![allow(unsafe_code)]

use std::{
    borrow::Cow,
    ffi::{CStr, CString, c_int},
    fmt,
    marker::PhantomData,
    ptr::{self, NonNull},
};

use libsqlite3_sys as ffi;
use sqlx::{error::ErrorKind, sqlite::LockedSqliteHandle};
use trygg_store::sql::Value;

/// A connection's SQLite handle, locked out of sqlx's worker for as long as this lives.
pub(crate) struct Handle<'h> {
    db: NonNull<ffi::sqlite3>,
    _locked: PhantomData<&'h mut ()>,
}

impl<'h> Handle<'h> {
    /// Borrows the handle of a connection locked with `SqliteConnection::lock_handle`; the
    /// borrow keeps the lock held.
    pub(crate) fn new(locked: &'h mut LockedSqliteHandle<'_>) -> Self {
        Self {
            db: locked.as_raw_handle(),
            _locked: PhantomData,
        }
    }

    /// The error SQLite reports for the last call on this handle.
    fn error(&self) -> RawError {
        // SAFETY: `db` is a valid open handle (locked for 'h); errmsg returns a NUL-terminated
        // string owned by SQLite, copied here before any other call.
        unsafe {
            let code = ffi::sqlite3_extended_errcode(self.db.as_ptr());
            let message = CStr::from_ptr(ffi::sqlite3_errmsg(self.db.as_ptr()))
                .to_string_lossy()
                .into_owned();
            RawError { code, message }
        }
    }

    /// Runs SQL without results (a PRAGMA).
    pub(crate) fn exec(&self, sql: &str) -> Result<(), RawError> {
        let sql = CString::new(sql).map_err(|_| RawError::misuse("SQL with a NUL byte"))?;
        // SAFETY: valid handle and NUL-terminated SQL; no callback, no error-message out-pointer.
        let rc = unsafe {
            ffi::sqlite3_exec(
                self.db.as_ptr(),
                sql.as_ptr(),
                None,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    /// Switches foreign-key enforcement on or off for this connection
    /// (`SQLITE_DBCONFIG_ENABLE_FKEY`, which unlike the pragma also acts inside a transaction).
    pub(crate) fn set_foreign_keys(&self, on: bool) -> Result<(), RawError> {
        // SAFETY: valid handle; this option takes an int and an int* (which may be null).
        let rc = unsafe {
            ffi::sqlite3_db_config(
                self.db.as_ptr(),
                ffi::SQLITE_DBCONFIG_ENABLE_FKEY,
                c_int::from(on),
                ptr::null_mut::<c_int>(),
            )
        };
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    /// Prepares one statement.
    pub(crate) fn prepare(&self, sql: &str) -> Result<Statement<'_, 'h>, RawError> {
        let len = c_int::try_from(sql.len()).map_err(|_| RawError::misuse("SQL too long"))?;
        let mut raw = ptr::null_mut();
        // SAFETY: valid handle; `sql` is valid for `len` bytes; SQLite writes the statement
        // pointer (or null) into `raw`.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(
                self.db.as_ptr(),
                sql.as_ptr().cast(),
                len,
                &mut raw,
                ptr::null_mut(),
            )
        };
        let Some(raw) = NonNull::new(raw).filter(|_| rc == ffi::SQLITE_OK) else {
            return Err(self.error());
        };
        // SAFETY: `raw` is a valid prepared statement.
        let params = unsafe { ffi::sqlite3_bind_parameter_count(raw.as_ptr()) } as usize;
        Ok(Statement {
            raw,
            handle: self,
            params,
        })
    }
}

/// A prepared statement, finalized on drop.
pub(crate) struct Statement<'a, 'h> {
    raw: NonNull<ffi::sqlite3_stmt>,
    handle: &'a Handle<'h>,
    params: usize,
}

impl Statement<'_, '_> {
    /// Binds `values` to all of the statement's parameters in order, runs it to completion and
    /// resets it. Text is bound without a copy: SQLite reads it only while the statement runs,
    /// and the bindings are cleared before this returns, so no pointer into `values` outlives
    /// the call.
    pub(crate) fn execute<'a, 'v: 'a>(
        &mut self,
        values: impl IntoIterator<Item = &'a Value<'v>>,
    ) -> Result<(), RawError> {
        let stmt = self.raw.as_ptr();
        let mut n = 0;
        let mut bound = Ok(());
        for value in values {
            n += 1;
            if n > self.params {
                break;
            }
            let k = n as c_int;
            // SAFETY: `stmt` is valid and `k` is within 1..=params. Text pointers stay valid
            // until the bindings are cleared below (SQLITE_STATIC: SQLite does not free them).
            let rc = unsafe {
                match *value {
                    Value::Int(Some(v)) => ffi::sqlite3_bind_int64(stmt, k, v),
                    Value::Real(Some(v)) => ffi::sqlite3_bind_double(stmt, k, v),
                    Value::Text(Some(v)) => match c_int::try_from(v.len()) {
                        Ok(len) => ffi::sqlite3_bind_text(
                            stmt,
                            k,
                            v.as_ptr().cast(),
                            len,
                            ffi::SQLITE_STATIC(),
                        ),
                        Err(_) => ffi::SQLITE_TOOBIG,
                    },
                    Value::Int(None) | Value::Real(None) | Value::Text(None) => {
                        ffi::sqlite3_bind_null(stmt, k)
                    }
                }
            };
            if rc != ffi::SQLITE_OK {
                bound = Err(self.handle.error());
                break;
            }
        }
        let result = if bound.is_err() {
            bound
        } else if n != self.params {
            Err(RawError::misuse(format!(
                "{n} values for a statement with {} parameters",
                self.params
            )))
        } else {
            // SAFETY: `stmt` is valid with every parameter bound.
            match unsafe { ffi::sqlite3_step(stmt) } {
                ffi::SQLITE_DONE => Ok(()),
                ffi::SQLITE_ROW => Err(RawError::misuse("the statement returned rows")),
                _ => Err(self.handle.error()),
            }
        };
        // SAFETY: `stmt` is valid. Reset repeats a failed step's code, already taken above.
        unsafe {
            ffi::sqlite3_reset(stmt);
            ffi::sqlite3_clear_bindings(stmt);
        }
        result
    }
}

impl Statement<'_, '_> {
    /// Runs a statement without parameters and calls `each` with every result row, in order.
    /// Columns are read in place: a row's text lives only for the call.
    pub(crate) fn query_each<E: From<RawError>>(
        &mut self,
        mut each: impl FnMut(&Row<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        if self.params != 0 {
            return Err(RawError::misuse("query_each takes no parameters").into());
        }
        let stmt = self.raw.as_ptr();
        let result = loop {
            // SAFETY: `stmt` is a valid statement with no parameters.
            match unsafe { ffi::sqlite3_step(stmt) } {
                ffi::SQLITE_ROW => {
                    let row = Row {
                        stmt: self.raw,
                        _step: PhantomData,
                    };
                    if let Err(e) = each(&row) {
                        break Err(e);
                    }
                }
                ffi::SQLITE_DONE => break Ok(()),
                _ => break Err(self.handle.error().into()),
            }
        };
        // SAFETY: `stmt` is valid.
        unsafe {
            ffi::sqlite3_reset(stmt);
        }
        result
    }
}

/// The current row of a stepping statement, valid until the next step.
pub(crate) struct Row<'s> {
    stmt: NonNull<ffi::sqlite3_stmt>,
    _step: PhantomData<&'s ()>,
}

impl Row<'_> {
    fn is_null(&self, i: c_int) -> bool {
        // SAFETY: the statement is on a row; an index out of range answers NULL.
        unsafe { ffi::sqlite3_column_type(self.stmt.as_ptr(), i) == ffi::SQLITE_NULL }
    }

    /// Column `i` as an integer, `None` when NULL.
    pub(crate) fn int(&self, i: c_int) -> Option<i64> {
        // SAFETY: as in `is_null`.
        (!self.is_null(i)).then(|| unsafe { ffi::sqlite3_column_int64(self.stmt.as_ptr(), i) })
    }

    /// Column `i` as a float, `None` when NULL.
    pub(crate) fn float(&self, i: c_int) -> Option<f64> {
        // SAFETY: as in `is_null`.
        (!self.is_null(i)).then(|| unsafe { ffi::sqlite3_column_double(self.stmt.as_ptr(), i) })
    }

    /// Column `i` as text (`None` when NULL); invalid UTF-8 is an error.
    pub(crate) fn text(&self, i: c_int) -> Result<Option<&str>, RawError> {
        if self.is_null(i) {
            return Ok(None);
        }
        // SAFETY: the statement is on a row. `column_text` converts to text first, then
        // `column_bytes` gives its length; the buffer stays valid until the next step, which
        // the row's borrow of the statement rules out.
        let bytes = unsafe {
            let p = ffi::sqlite3_column_text(self.stmt.as_ptr(), i);
            let n = ffi::sqlite3_column_bytes(self.stmt.as_ptr(), i);
            if p.is_null() {
                return Ok(Some(""));
            }
            std::slice::from_raw_parts(p, n as usize)
        };
        std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| RawError::misuse(format!("column {i} is not UTF-8 text")))
    }
}

impl Drop for Statement<'_, '_> {
    fn drop(&mut self) {
        // SAFETY: `raw` is a valid statement, finalized exactly once, here.
        unsafe {
            ffi::sqlite3_finalize(self.raw.as_ptr());
        }
    }
}

/// An error from SQLite on the raw handle, as an sqlx database error, so that
/// `trygg_store::sql::classify` turns constraint failures into the same store errors as
/// elsewhere.
#[derive(Debug)]
pub(crate) struct RawError {
    /// SQLite's extended result code.
    code: c_int,
    message: String,
}

impl RawError {
    fn misuse(message: impl Into<String>) -> Self {
        Self {
            code: ffi::SQLITE_MISUSE,
            message: message.into(),
        }
    }

    /// As an sqlx error.
    pub(crate) fn into_sqlx(self) -> sqlx::Error {
        sqlx::Error::Database(Box::new(self))
    }
}

impl fmt::Display for RawError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (SQLite code {})", self.message, self.code)
    }
}

impl std::error::Error for RawError {}

impl sqlx::error::DatabaseError for RawError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.code.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        match self.code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

impl From<RawError> for trygg_store::StoreError {
    fn from(e: RawError) -> Self {
        e.into_sqlx().into()
    }
}
