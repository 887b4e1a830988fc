//! Outgoing e-mail: plain-text Vietnamese messages sent over SMTP to the
//! server `CONGXA_SMTP_URL` names. Without that setting the platform sends
//! no e-mail at all, and says so where people would expect one.

use std::time::Duration;

use congxa_config::Config;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How long one message may take to hand over.
const SEND_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the address {0:?} cannot receive mail")]
    Address(String),
    #[error("the message cannot be built: {0}")]
    Message(String),
    #[error("the SMTP server refused or did not answer: {0}")]
    Transport(String),
}

/// A configured SMTP server and the sender the platform writes as.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The mailer of the configuration, or `None` when no SMTP server is set.
    /// The URL says how to connect: `smtp://host:port` (plain, as a local
    /// relay), `smtp://user:pass@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:pass@host:465`.
    pub fn from_config(config: &Config) -> anyhow::Result<Option<Self>> {
        let Some(url) = config.smtp_url.as_deref().filter(|u| !u.is_empty()) else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("CONGXA_SMTP_URL cannot be used: {e}"))?
            .timeout(Some(SEND_TIMEOUT))
            .build();
        let from = match &config.smtp_from {
            Some(from) => from
                .parse()
                .map_err(|e| anyhow::anyhow!("CONGXA_SMTP_FROM is not an address: {e}"))?,
            None => format!(
                "Cổng thông tin điện tử <no-reply@{}>",
                config.platform_domain
            )
            .parse()
            .map_err(|e| anyhow::anyhow!("no sender address can be made: {e}"))?,
        };
        Ok(Some(Self { transport, from }))
    }

    /// Sends one plain-text message.
    pub async fn send(
        &self,
        to_name: &str,
        to_email: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), MailError> {
        let address = to_email
            .parse()
            .map_err(|_| MailError::Address(to_email.to_owned()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(Some(to_name.to_owned()), address))
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| MailError::Message(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Transport(e.to_string()))
    }
}
