//! A Redis connection that is made on first use and remade after a failure,
//! so the service starts and stays up while Redis is down.

use std::time::Duration;

use redis::aio::ConnectionManager;
use tokio::sync::Mutex;

/// How long any Redis call may take before the caller gives up on it.
pub const REDIS_WAIT: Duration = Duration::from_millis(500);

pub struct RedisHandle {
    client: redis::Client,
    connection: Mutex<Option<ConnectionManager>>,
}

impl RedisHandle {
    pub fn new(url: &str) -> anyhow::Result<Self> {
        Ok(Self {
            client: redis::Client::open(url)?,
            connection: Mutex::new(None),
        })
    }

    /// A connection, or an error when Redis cannot be reached in time.
    pub async fn get(&self) -> Result<ConnectionManager, redis::RedisError> {
        let mut slot = self.connection.lock().await;
        if let Some(connection) = slot.as_ref() {
            return Ok(connection.clone());
        }
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_WAIT))
            .set_response_timeout(Some(REDIS_WAIT))
            .set_number_of_retries(1);
        let connection = self
            .client
            .get_connection_manager_with_config(config)
            .await?;
        *slot = Some(connection.clone());
        Ok(connection)
    }

    /// Whether Redis answers a PING, for `/readyz`.
    pub async fn ping(&self) -> bool {
        let Ok(mut connection) = self.get().await else {
            return false;
        };
        let pong: Result<String, _> = redis::cmd("PING").query_async(&mut connection).await;
        pong.is_ok()
    }
}
