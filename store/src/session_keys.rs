//! The keys that sign play-session tokens, kept in the database so every
//! replica signs and verifies alike, and in memory so a render reads
//! nothing. The newest key signs; a replica learns of a newer one when a
//! token names a key it does not know, or within [`RELOAD`].

use std::{
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use base64::{Engine as _, engine::general_purpose::STANDARD as B64};

use super::Store;
use adact_domain::{
    session::{SESSION_LIFETIME_MS, SessionKey},
    time::now_ms,
};

/// How often a replica reloads the keys to sign with the newest.
const RELOAD: Duration = Duration::from_secs(300);

/// The shortest wait between reloads on an unknown key id, so forged ids
/// cannot make every request read the database.
const UNKNOWN_KEY_BACKOFF: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub struct SessionKeys {
    state: RwLock<Loaded>,
}

#[derive(Debug)]
struct Loaded {
    /// Newest first; never empty once the store is connected.
    keys: Arc<[SessionKey]>,
    at: Instant,
}

impl Default for SessionKeys {
    fn default() -> Self {
        Self {
            state: RwLock::new(Loaded {
                keys: Arc::from([]),
                at: Instant::now(),
            }),
        }
    }
}

impl SessionKeys {
    fn snapshot(&self) -> (Arc<[SessionKey]>, Instant) {
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        (state.keys.clone(), state.at)
    }

    fn replace(&self, keys: Vec<SessionKey>) {
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        *state = Loaded {
            keys: keys.into(),
            at: Instant::now(),
        };
    }
}

impl Store {
    /// Reads the keys, making the first when there is none.
    pub(super) async fn load_session_keys(&self) -> sqlx::Result<()> {
        let mut keys = read_keys(self).await?;
        if keys.is_empty() {
            let key = SessionKey::generate(now_ms());
            insert_key(self, &key).await?;
            keys = read_keys(self).await?;
        }
        self.session_keys.replace(keys);
        Ok(())
    }

    /// The key that signs new session tokens.
    pub async fn signing_key(&self) -> sqlx::Result<SessionKey> {
        let (keys, at) = self.session_keys.snapshot();
        match keys.first() {
            Some(key) if at.elapsed() < RELOAD => Ok(key.clone()),
            _ => {
                self.load_session_keys().await?;
                let (keys, _) = self.session_keys.snapshot();
                Ok(keys[0].clone())
            }
        }
    }

    /// The keys that verify session tokens, reloaded first when `id` is
    /// not among them (a replica rotated).
    pub async fn verifying_keys(&self, id: &str) -> sqlx::Result<Arc<[SessionKey]>> {
        let (keys, at) = self.session_keys.snapshot();
        if keys.iter().any(|k| k.id == id) || at.elapsed() < UNKNOWN_KEY_BACKOFF {
            return Ok(keys);
        }
        self.load_session_keys().await?;
        Ok(self.session_keys.snapshot().0)
    }

    /// Makes a new signing key and drops keys that were replaced more than
    /// a session's lifetime ago (no token they signed is still valid).
    /// Returns the new key's id.
    pub async fn rotate_session_key(&self) -> sqlx::Result<String> {
        let now = now_ms();
        let key = SessionKey::generate(now);
        insert_key(self, &key).await?;
        // A key is replaced when the next one is made: keep every key whose
        // successor is younger than a session's lifetime.
        let keys = read_keys(self).await?;
        for pair in keys.windows(2) {
            let (newer, older) = (&pair[0], &pair[1]);
            if newer.created_at < now - SESSION_LIFETIME_MS {
                self.write(sqlx::query("delete from session_keys where id = $1").bind(&older.id))
                    .await?;
            }
        }
        self.load_session_keys().await?;
        Ok(key.id)
    }
}

/// A row of `session_keys`: the secret in base64.
#[derive(sqlx::FromRow)]
struct SessionKeyRow {
    id: String,
    secret: String,
    created_at: i64,
}

impl TryFrom<SessionKeyRow> for SessionKey {
    type Error = sqlx::Error;

    fn try_from(row: SessionKeyRow) -> sqlx::Result<Self> {
        Ok(SessionKey {
            id: row.id,
            secret: B64
                .decode(row.secret)
                .map_err(|err| sqlx::Error::Decode(Box::new(err)))?,
            created_at: row.created_at,
        })
    }
}

async fn read_keys(store: &Store) -> sqlx::Result<Vec<SessionKey>> {
    sqlx::query_as::<_, SessionKeyRow>(
        "select id, secret, created_at from session_keys order by created_at desc, id desc",
    )
    .fetch_all(store.pool())
    .await?
    .into_iter()
    .map(SessionKey::try_from)
    .collect()
}

async fn insert_key(store: &Store, key: &SessionKey) -> sqlx::Result<()> {
    store
        .write(
            sqlx::query("insert into session_keys (id, secret, created_at) values ($1, $2, $3)")
                .bind(&key.id)
                .bind(B64.encode(&key.secret))
                .bind(key.created_at),
        )
        .await?;
    Ok(())
}
