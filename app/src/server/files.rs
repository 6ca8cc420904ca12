//! Licence scans: checked by their first bytes (PDF, JPEG or PNG only),
//! size-limited, stored under the upload directory named by a random id
//! (no extension, owner read/write only, so never executable or served as
//! anything else), and handed out only to the enterprise itself and the
//! regulators of its jurisdiction.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::db::Db;
use super::session::SessionUser;

/// The largest scan accepted.
pub const MAX_BYTES: usize = crate::domain::enterprise_info::SCAN_MAX_BYTES;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Jpeg,
    Png,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Jpeg => "jpeg",
            Kind::Png => "png",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        [Kind::Pdf, Kind::Jpeg, Kind::Png]
            .into_iter()
            .find(|k| k.code() == code)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
        }
    }
}

/// What the bytes are, from their signature; `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"%PDF-") {
        Some(Kind::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else {
        None
    }
}

/// Why an upload is refused, in words for the person uploading.
pub fn check(bytes: &[u8]) -> Result<Kind, String> {
    if bytes.is_empty() {
        return Err("文件是空的,请重新选择证书扫描件。".into());
    }
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "文件有 {:.1} MB,超过了 5 MB。请降低扫描分辨率或压缩后再上传。",
            bytes.len() as f64 / 1024.0 / 1024.0
        ));
    }
    sniff(bytes).ok_or_else(|| {
        "只能上传 PDF、JPG 或 PNG 格式的证书扫描件(按文件内容判断,改扩展名无效)。".to_string()
    })
}

/// A file name safe to show and to put in a header: no path, no control characters.
pub fn display_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(100)
        .collect();
    if clean.trim().is_empty() {
        "证书扫描件".into()
    } else {
        clean
    }
}

fn path_of(dir: &Path, id: &str) -> PathBuf {
    dir.join(id)
}

/// Writes `bytes` to a new file under `dir` that only the server may read,
/// named by a fresh random id; returns (id, path, SHA-256). Off the runtime's threads.
pub async fn write_private(
    dir: &Path,
    bytes: &[u8],
) -> Result<(String, PathBuf, String), std::io::Error> {
    let id = super::random_token();
    let path = path_of(dir, &id);
    let (dir, target, data) = (dir.to_path_buf(), path.clone(), bytes.to_vec());
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::create_dir_all(&dir)?;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&target)?;
        f.write_all(&data)?;
        f.sync_all()
    })
    .await
    .map_err(std::io::Error::other)??;
    let sha: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((id, path, sha))
}

/// Stores a file for `user`'s enterprise after [`check`]; returns its id.
pub async fn store(
    db: &Db,
    dir: &Path,
    user: &SessionUser,
    name: &str,
    bytes: &[u8],
    now: i64,
) -> Result<String, std::io::Error> {
    let invalid = |m: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, m);
    let kind = check(bytes).map_err(invalid)?;
    let enterprise_id = user
        .enterprise_id
        .ok_or_else(|| invalid("not an enterprise user".into()))?;
    let (id, path, sha) = write_private(dir, bytes).await?;
    let result = async {
        let mut tx = db.write_tx().await?;
        // Counted and inserted under the write lock (SQLite) or the
        // enterprise's row lock (PostgreSQL): parallel uploads cannot pass
        // the quota together.
        if db.backend() == super::db::Backend::Postgres {
            sqlx::query("SELECT 1 FROM enterprises WHERE id = $1 FOR UPDATE")
                .bind(enterprise_id)
                .execute(&mut *tx)
                .await?;
        }
        let (count, used): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM uploads WHERE enterprise_id = $1",
        )
        .bind(enterprise_id)
        .fetch_one(&mut *tx)
        .await?;
        if count >= QUOTA_FILES || used + bytes.len() as i64 > QUOTA_BYTES {
            return Err(StoreError::Quota);
        }
        sqlx::query(
            "INSERT INTO uploads (id, enterprise_id, kind, size, sha256, name, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(enterprise_id)
        .bind(kind.code())
        .bind(bytes.len() as i64)
        .bind(&sha)
        .bind(display_name(name))
        .bind(now)
        .bind(user.user_id)
        .execute(&mut *tx)
        .await?;
        let actor = super::audit::Actor::of(user, String::new());
        let summary = format!("上传许可证扫描件 {}", display_name(name));
        super::audit::audit_ok(&mut tx, &actor, Some(enterprise_id), "licence.scan", &summary, now)
            .await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        // Nothing half-written: no row, no file.
        let _ = tokio::fs::remove_file(&path).await;
        return Err(match e {
            StoreError::Quota => {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, QUOTA_MESSAGE.to_string())
            }
            StoreError::Db(e) => std::io::Error::other(e),
        });
    }
    Ok(id)
}

/// What one enterprise may keep: far above any real record (a scan per
/// licence, each at most [`MAX_BYTES`]), far below a disk.
pub const QUOTA_FILES: i64 = 200;
pub const QUOTA_BYTES: i64 = 500 * 1024 * 1024;
pub const QUOTA_MESSAGE: &str = "本企业上传的文件已达上限(200个或500MB)。未被任何许可证使用的文件会在一天后自动删除,请稍后再试,或联系客服。";

enum StoreError {
    Quota,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Db(e)
    }
}

/// Deletes the scans no draft, record in force or licence case uses a day after upload
/// (a replaced scan, an abandoned form): rows and files. Returns how many.
pub async fn purge_orphans(db: &Db, dir: &Path, now: i64) -> Result<u64, sqlx::Error> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT u.id, COALESCE(i.draft, ''), COALESCE(i.confirmed, '') FROM uploads u \
         LEFT JOIN enterprise_info i ON i.enterprise_id = u.enterprise_id WHERE u.created_at < $1",
    )
    .bind(now - 24 * 3600)
    .fetch_all(db.reader())
    .await?;
    let mut removed = 0;
    for (id, draft, confirmed) in rows {
        // Ids are 64 random hex digits: a substring test is exact enough.
        if draft.contains(&id) || confirmed.contains(&id) {
            continue;
        }
        let owner: i64 = sqlx::query_scalar("SELECT enterprise_id FROM uploads WHERE id = $1")
            .bind(&id)
            .fetch_one(db.reader())
            .await?;
        if super::licence_case::uses_upload(db, owner, &id).await? {
            continue;
        }
        let done = sqlx::query("DELETE FROM uploads WHERE id = $1 AND created_at < $2")
            .bind(&id)
            .bind(now - 24 * 3600)
            .execute(db.writer())
            .await?;
        if done.rows_affected() == 1 {
            let _ = tokio::fs::remove_file(path_of(dir, &id)).await;
            removed += 1;
        }
    }
    Ok(removed)
}

/// A stored scan: its kind, name and enterprise.
pub struct Stored {
    pub kind: Kind,
    pub name: String,
    pub enterprise_id: i64,
    pub region_code: String,
}

pub async fn find(db: &Db, id: &str) -> Result<Option<Stored>, sqlx::Error> {
    let row: Option<(String, String, i64, String)> = sqlx::query_as(
        "SELECT u.kind, u.name, u.enterprise_id, COALESCE(e.region_code, '') FROM uploads u \
         JOIN enterprises e ON e.id = u.enterprise_id WHERE u.id = $1",
    )
    .bind(id)
    .fetch_optional(db.reader())
    .await?;
    Ok(row.map(|(kind, name, enterprise_id, region_code)| Stored {
        kind: Kind::from_code(&kind).unwrap_or(Kind::Pdf),
        name,
        enterprise_id,
        region_code,
    }))
}

/// Whether `user` may see a scan of the enterprise `s` belongs to.
pub async fn may_read(
    db: &Db,
    user: &SessionUser,
    s: &Stored,
) -> Result<bool, crate::error::AppError> {
    super::guard::may_see(db, user, s.enterprise_id, &s.region_code).await
}

/// The bytes of a stored file.
pub async fn read(dir: &Path, id: &str) -> std::io::Result<Vec<u8>> {
    // Ids are our own hex tokens; anything else never reaches the disk.
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(std::io::Error::new(std::io::ErrorKind::NotFound, "bad id"));
    }
    tokio::fs::read(path_of(dir, id)).await
}

/// Whether every scan id of a record belongs to `enterprise_id`.
pub async fn all_belong(db: &Db, enterprise_id: i64, ids: &[&str]) -> Result<bool, sqlx::Error> {
    for id in ids.iter().filter(|i| !i.is_empty()) {
        let owner: Option<i64> =
            sqlx::query_scalar("SELECT enterprise_id FROM uploads WHERE id = $1")
                .bind(*id)
                .fetch_optional(db.reader())
                .await?;
        if owner != Some(enterprise_id) {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pdf_jpeg_and_png_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(Kind::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(Kind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(Kind::Png));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"MZ\x90\x00"), None, "an executable renamed .pdf");
        assert!(check(b"").unwrap_err().contains("空"));
        assert!(check(&vec![b'%'; MAX_BYTES + 1])
            .unwrap_err()
            .contains("5 MB"));
        assert!(check(b"GIF89a").unwrap_err().contains("PDF、JPG 或 PNG"));
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(display_name("C:\\scans\\证书.pdf"), "证书.pdf");
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("a\"b\nc.png"), "abc.png");
        assert_eq!(display_name(""), "证书扫描件");
    }
}
