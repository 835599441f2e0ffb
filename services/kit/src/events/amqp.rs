//! The RabbitMQ transport (lapin).
//!
//! Topology: a durable topic exchange; per consuming service a durable quorum queue bound by
//! routing key, with `x-delivery-limit` (RabbitMQ 3.10 sets none by default) and a
//! dead-letter exchange feeding the service's dead-letter queue. Messages are persistent,
//! published with publisher confirms, and carry the envelope id as AMQP message id.
//! Connections are re-established with backoff whenever the broker goes away.

use async_trait::async_trait;
use futures::StreamExt;
use lapin::{
    BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind,
    options::{
        BasicAckOptions, BasicConsumeOptions, BasicGetOptions, BasicNackOptions,
        BasicPublishOptions, BasicQosOptions, ConfirmSelectOptions, ExchangeDeclareOptions,
        QueueBindOptions, QueueDeclareOptions,
    },
    types::{AMQPValue, FieldTable, ShortString},
};
use std::{sync::Arc, time::Duration};
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use sangkien_proto::Envelope;

use super::{
    DeadLetter, Delivery, DeliveryHandler, Outcome, QueueSpec, Transport, TransportError,
    backoff::{Backoff, retry_delay},
    bounded_error,
    names::Names,
    topology,
};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const CONFIRM_TIMEOUT: Duration = Duration::from_secs(15);

/// RabbitMQ transport.
pub struct AmqpTransport {
    url: String,
    names: Names,
    delivery_limit: u32,
    prefetch: u16,
    max_backoff: Duration,
    publisher: Mutex<Option<(Connection, Channel)>>,
}

/// The largest AMQP frame this client proposes, unless the URL sets `frame_max` itself.
///
/// lapin keeps a receive and a send buffer of 32 frames per connection, zero-filled: at
/// RabbitMQ's default of 128 KiB that is 8 MiB resident in every process, more than a service's
/// whole heap at rest. Events are a few KiB; larger bodies are simply split into more frames.
/// At 16 KiB the buffers take 1 MiB.
pub const FRAME_MAX: u32 = 16 * 1024;

/// The broker URL with [`FRAME_MAX`] proposed when it names no `frame_max`.
fn with_frame_max(url: &str) -> Result<lapin::uri::AMQPUri, TransportError> {
    let mut uri: lapin::uri::AMQPUri = url.parse().map_err(unreachable)?;
    uri.query.frame_max.get_or_insert(FRAME_MAX);
    Ok(uri)
}

fn unreachable(e: impl std::fmt::Display) -> TransportError {
    TransportError::Unreachable(e.to_string())
}

impl AmqpTransport {
    /// A transport for the broker at `url`; connects lazily.
    pub fn new(
        url: impl Into<String>,
        names: Names,
        delivery_limit: u32,
        prefetch: u16,
        max_backoff: Duration,
    ) -> Self {
        Self {
            url: url.into(),
            names,
            delivery_limit,
            prefetch,
            max_backoff,
            publisher: Mutex::new(None),
        }
    }

    /// Deletes the exchange, queues and dead-letter queues of `services` (test isolation:
    /// each test run uses its own exchange name and removes it afterwards).
    pub async fn delete_topology(&self, services: &[&str]) -> Result<(), TransportError> {
        use lapin::options::{ExchangeDeleteOptions, QueueDeleteOptions};
        let conn = self.connect().await?;
        let channel = conn.create_channel().await.map_err(unreachable)?;
        for service in services {
            for queue in [
                self.names.queue(service),
                self.names.dead_letter_queue(service),
            ] {
                channel
                    .queue_delete(queue.into(), QueueDeleteOptions::default())
                    .await
                    .map_err(unreachable)?;
            }
            channel
                .exchange_delete(
                    self.names.dead_letter_exchange(service).into(),
                    ExchangeDeleteOptions::default(),
                )
                .await
                .map_err(unreachable)?;
        }
        channel
            .exchange_delete(
                self.names.exchange().into(),
                ExchangeDeleteOptions::default(),
            )
            .await
            .map_err(unreachable)?;
        let _ = conn.close(200, "deleted".into()).await;
        Ok(())
    }

    async fn connect(&self) -> Result<Connection, TransportError> {
        let props = ConnectionProperties::default()
            .with_connection_name(format!("sangkien-{}", std::process::id()).into());
        let uri = with_frame_max(&self.url)?;
        tokio::time::timeout(CONNECT_TIMEOUT, Connection::connect_uri(uri, props))
            .await
            .map_err(|_| unreachable("connection timed out"))?
            .map_err(unreachable)
    }

    fn queue_arguments(&self, service: &str) -> FieldTable {
        let mut args = FieldTable::default();
        args.insert(
            "x-queue-type".into(),
            AMQPValue::LongString("quorum".into()),
        );
        // RabbitMQ counts redeliveries: a limit of N-1 returns means N deliveries in all.
        args.insert(
            "x-delivery-limit".into(),
            AMQPValue::LongInt(self.delivery_limit.saturating_sub(1).min(i32::MAX as u32) as i32),
        );
        args.insert(
            "x-dead-letter-exchange".into(),
            AMQPValue::LongString(self.names.dead_letter_exchange(service).into()),
        );
        args
    }

    async fn declare_on(
        &self,
        channel: &Channel,
        specs: &[QueueSpec],
    ) -> Result<(), TransportError> {
        let durable = ExchangeDeclareOptions {
            durable: true,
            ..Default::default()
        };
        channel
            .exchange_declare(
                self.names.exchange().into(),
                ExchangeKind::Topic,
                durable,
                FieldTable::default(),
            )
            .await
            .map_err(unreachable)?;
        for spec in specs {
            let service = spec.service.as_str();
            let dlx = self.names.dead_letter_exchange(service);
            let dlq = self.names.dead_letter_queue(service);
            let queue = self.names.queue(service);
            channel
                .exchange_declare(
                    dlx.clone().into(),
                    ExchangeKind::Fanout,
                    durable,
                    FieldTable::default(),
                )
                .await
                .map_err(unreachable)?;
            let durable_queue = QueueDeclareOptions {
                durable: true,
                ..Default::default()
            };
            channel
                .queue_declare(dlq.clone().into(), durable_queue, FieldTable::default())
                .await
                .map_err(unreachable)?;
            channel
                .queue_bind(
                    dlq.into(),
                    dlx.into(),
                    "".into(),
                    QueueBindOptions::default(),
                    FieldTable::default(),
                )
                .await
                .map_err(unreachable)?;
            channel
                .queue_declare(
                    queue.clone().into(),
                    durable_queue,
                    self.queue_arguments(service),
                )
                .await
                .map_err(unreachable)?;
            for key in &spec.bindings {
                channel
                    .queue_bind(
                        queue.clone().into(),
                        self.names.exchange().into(),
                        key.clone().into(),
                        QueueBindOptions::default(),
                        FieldTable::default(),
                    )
                    .await
                    .map_err(unreachable)?;
            }
        }
        Ok(())
    }

    /// A channel with publisher confirms on a fresh connection, with the topology declared.
    async fn open_publisher(&self) -> Result<(Connection, Channel), TransportError> {
        let conn = self.connect().await?;
        let channel = conn.create_channel().await.map_err(unreachable)?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .map_err(unreachable)?;
        self.declare_on(&channel, &topology()).await?;
        Ok((conn, channel))
    }

    async fn publish_on(
        &self,
        channel: &Channel,
        envelopes: &[Envelope],
    ) -> Result<(), TransportError> {
        let mut confirms = Vec::with_capacity(envelopes.len());
        for env in envelopes {
            let body = env
                .to_bytes()
                .map_err(|e| TransportError::Refused(e.to_string()))?;
            let props = properties(env);
            let confirm = channel
                .basic_publish(
                    self.names.exchange().into(),
                    env.routing_key().into(),
                    BasicPublishOptions::default(),
                    &body,
                    props,
                )
                .await
                .map_err(unreachable)?;
            confirms.push(confirm);
        }
        for confirm in confirms {
            let confirmation = tokio::time::timeout(CONFIRM_TIMEOUT, confirm)
                .await
                .map_err(|_| unreachable("publisher confirm timed out"))?
                .map_err(unreachable)?;
            if confirmation.is_nack() {
                return Err(TransportError::Refused("broker answered nack".into()));
            }
        }
        Ok(())
    }

    async fn consume_once(
        &self,
        queue: &QueueSpec,
        handler: &Arc<dyn DeliveryHandler>,
        cancel: &CancellationToken,
        backoff: &mut Backoff,
    ) -> Result<(), TransportError> {
        let conn = self.connect().await?;
        let channel = conn.create_channel().await.map_err(unreachable)?;
        self.declare_on(&channel, std::slice::from_ref(queue))
            .await?;
        channel
            .basic_qos(self.prefetch, BasicQosOptions::default())
            .await
            .map_err(unreachable)?;
        // A confirming channel on the same connection, on which the runner dead-letters a
        // message itself so that its last error travels with it.
        let dead_letters = conn.create_channel().await.map_err(unreachable)?;
        dead_letters
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .map_err(unreachable)?;
        let dlx = self.names.dead_letter_exchange(&queue.service);
        let delivery_limit = self.delivery_limit;
        let consumer = channel
            .basic_consume(
                self.names.queue(&queue.service).into(),
                format!("{}-{}", queue.service, uuid::Uuid::now_v7()).into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await
            .map_err(unreachable)?;
        backoff.reset();
        tracing::info!(queue = %self.names.queue(&queue.service), "consuming events");
        let processing = consumer.for_each_concurrent(self.prefetch as usize, |delivery| {
            let handler = handler.clone();
            let dead_letters = dead_letters.clone();
            let dlx = dlx.clone();
            async move {
                let Ok(delivery) = delivery else { return };
                let previous = previous_deliveries(&delivery);
                let outcome = handler
                    .deliver(Delivery {
                        body: delivery.data.clone(),
                        routing_key: delivery.routing_key.as_str().to_owned(),
                        previous_deliveries: previous,
                    })
                    .await;
                let result = match outcome {
                    Outcome::Ack => delivery.ack(BasicAckOptions::default()).await,
                    Outcome::Retry(error) if previous.saturating_add(1) >= delivery_limit => {
                        let deliveries = previous.saturating_add(1);
                        match dead_letter_with_error(&dead_letters, &dlx, &delivery, &error, deliveries).await {
                            Ok(()) => delivery.ack(BasicAckOptions::default()).await,
                            // The broker dead-letters it at the limit anyway, without the error.
                            Err(_) => delivery.nack(BasicNackOptions { requeue: true, ..Default::default() }).await,
                        }
                    }
                    Outcome::Retry(_) => {
                        tokio::time::sleep(retry_delay(previous)).await;
                        delivery
                            .nack(BasicNackOptions {
                                requeue: true,
                                ..Default::default()
                            })
                            .await
                    }
                    Outcome::DeadLetter(reason) => {
                        let deliveries = previous.saturating_add(1);
                        match dead_letter_with_error(&dead_letters, &dlx, &delivery, &reason, deliveries).await {
                            Ok(()) => delivery.ack(BasicAckOptions::default()).await,
                            Err(_) => delivery.nack(BasicNackOptions { requeue: false, ..Default::default() }).await,
                        }
                    }
                };
                if let Err(e) = result {
                    tracing::warn!(error = %e, "acknowledgement lost; the broker will deliver again");
                }
            }
        });
        tokio::select! {
            _ = cancel.cancelled() => {
                let _ = conn.close(200, "shutting down".into()).await;
                Ok(())
            }
            _ = processing => Err(unreachable("consumer stream ended")),
        }
    }
}

fn properties(env: &Envelope) -> BasicProperties {
    let mut headers = FieldTable::default();
    headers.insert(
        "x-correlation-id".into(),
        AMQPValue::LongString(env.correlation_id.clone().into()),
    );
    BasicProperties::default()
        .with_message_id(env.id.to_string().into())
        .with_delivery_mode(2)
        .with_content_type("application/json".into())
        .with_type(env.event_type.clone().into())
        .with_timestamp(env.occurred_at.timestamp().max(0) as u64)
        .with_correlation_id(env.correlation_id.clone().into())
        .with_headers(headers)
}

/// Header of a dead letter: the error of its last delivery.
const LAST_ERROR_HEADER: &str = "x-last-error";
/// Header of a dead letter: how many times it was delivered.
const DELIVERIES_HEADER: &str = "x-sangkien-deliveries";

/// Publishes a copy of `delivery` to the service's dead-letter exchange with the error of its
/// last delivery and its delivery count in headers, and waits for the broker's confirm; the
/// caller acknowledges the original only then, so the message is never in neither queue.
async fn dead_letter_with_error(
    channel: &Channel,
    dlx: &str,
    delivery: &lapin::message::Delivery,
    error: &str,
    deliveries: u32,
) -> Result<(), TransportError> {
    let mut headers = FieldTable::default();
    if let Some(kept) = delivery.properties.headers().as_ref() {
        for (k, v) in kept.inner() {
            if k.as_str() != "x-delivery-count" {
                headers.insert(k.clone(), v.clone());
            }
        }
    }
    headers.insert(
        LAST_ERROR_HEADER.into(),
        AMQPValue::LongString(bounded_error(error).into()),
    );
    headers.insert(
        DELIVERIES_HEADER.into(),
        AMQPValue::LongLongInt(i64::from(deliveries)),
    );
    let props = delivery.properties.clone().with_headers(headers);
    let confirm = channel
        .basic_publish(
            dlx.into(),
            delivery.routing_key.clone(),
            BasicPublishOptions::default(),
            &delivery.data,
            props,
        )
        .await
        .map_err(unreachable)?;
    let confirmation = tokio::time::timeout(CONFIRM_TIMEOUT, confirm)
        .await
        .map_err(|_| unreachable("publisher confirm timed out"))?
        .map_err(unreachable)?;
    if confirmation.is_nack() {
        tracing::warn!("the broker refused a dead letter; leaving it to the delivery limit");
        return Err(TransportError::Refused("dead letter refused".into()));
    }
    Ok(())
}

fn previous_deliveries(delivery: &lapin::message::Delivery) -> u32 {
    let count = delivery.properties.headers().as_ref().and_then(|h| {
        h.inner()
            .get(&ShortString::from("x-delivery-count"))
            .cloned()
    });
    match count {
        Some(AMQPValue::LongLongInt(n)) => n.max(0) as u32,
        Some(AMQPValue::LongInt(n)) => n.max(0) as u32,
        Some(AMQPValue::LongUInt(n)) => n,
        Some(AMQPValue::ShortInt(n)) => n.max(0) as u32,
        _ => u32::from(delivery.redelivered),
    }
}

#[async_trait]
impl Transport for AmqpTransport {
    async fn publish(&self, envelopes: &[Envelope]) -> Result<(), TransportError> {
        if envelopes.is_empty() {
            return Ok(());
        }
        let mut guard = self.publisher.lock().await;
        let usable = guard
            .as_ref()
            .is_some_and(|(c, ch)| c.status().connected() && ch.status().connected());
        if !usable {
            *guard = None;
            *guard = Some(self.open_publisher().await?);
        }
        let Some((_, channel)) = guard.as_ref() else {
            return Err(unreachable("no publisher channel"));
        };
        let result = self.publish_on(channel, envelopes).await;
        if result.is_err() {
            *guard = None;
        }
        result
    }

    async fn declare(&self, specs: &[QueueSpec]) -> Result<(), TransportError> {
        let conn = self.connect().await?;
        let channel = conn.create_channel().await.map_err(unreachable)?;
        let result = self.declare_on(&channel, specs).await;
        let _ = conn.close(200, "declared".into()).await;
        result
    }

    async fn run_consumer(
        &self,
        queue: QueueSpec,
        handler: Arc<dyn DeliveryHandler>,
        cancel: CancellationToken,
    ) {
        let mut backoff = Backoff::new(self.max_backoff);
        while !cancel.is_cancelled() {
            match self
                .consume_once(&queue, &handler, &cancel, &mut backoff)
                .await
            {
                Ok(()) => return,
                Err(e) => {
                    let delay = backoff.next_delay();
                    tracing::warn!(error = %e, queue = %queue.service, retry_in_ms = delay.as_millis() as u64, "event consumer disconnected");
                    tokio::select! {
                        _ = cancel.cancelled() => return,
                        _ = tokio::time::sleep(delay) => {}
                    }
                }
            }
        }
    }

    async fn check(&self) -> Result<(), TransportError> {
        let guard = self.publisher.lock().await;
        if guard.as_ref().is_some_and(|(c, _)| c.status().connected()) {
            return Ok(());
        }
        drop(guard);
        let conn = self.connect().await?;
        let _ = conn.close(200, "check".into()).await;
        Ok(())
    }

    async fn dead_letters(
        &self,
        service: &str,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, TransportError> {
        let conn = self.connect().await?;
        let channel = conn.create_channel().await.map_err(unreachable)?;
        self.declare_on(&channel, &topology_for(service)).await?;
        let mut letters = Vec::new();
        while letters.len() < limit {
            let Some(msg) = channel
                .basic_get(
                    self.names.dead_letter_queue(service).into(),
                    BasicGetOptions::default(),
                )
                .await
                .map_err(unreachable)?
            else {
                break;
            };
            letters.push(dead_letter(&msg.delivery, self.delivery_limit));
        }
        // Closing without acknowledging leaves every message in the queue.
        let _ = conn.close(200, "listed".into()).await;
        Ok(letters)
    }

    async fn replay_dead_letters(
        &self,
        service: &str,
        message_ids: Option<&[String]>,
    ) -> Result<usize, TransportError> {
        let conn = self.connect().await?;
        let channel = conn.create_channel().await.map_err(unreachable)?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .map_err(unreachable)?;
        self.declare_on(&channel, &topology_for(service)).await?;
        let mut replayed = 0;
        while let Some(msg) = channel
            .basic_get(
                self.names.dead_letter_queue(service).into(),
                BasicGetOptions::default(),
            )
            .await
            .map_err(unreachable)?
        {
            let d = &msg.delivery;
            let id = d
                .properties
                .message_id()
                .as_ref()
                .map(|s| s.as_str().to_owned());
            let wanted = match (message_ids, &id) {
                (None, _) => true,
                (Some(ids), Some(id)) => ids.contains(id),
                (Some(_), None) => false,
            };
            if !wanted {
                continue;
            }
            let mut props = d.properties.clone();
            if let Some(headers) = props.headers().clone() {
                let mut kept = FieldTable::default();
                for (k, v) in headers.inner() {
                    if !k.as_str().starts_with("x-death")
                        && !k.as_str().starts_with("x-first-death")
                        && !k.as_str().starts_with("x-last-death")
                        && k.as_str() != LAST_ERROR_HEADER
                        && k.as_str() != DELIVERIES_HEADER
                    {
                        kept.insert(k.clone(), v.clone());
                    }
                }
                props = props.with_headers(kept);
            }
            // Back to the service's own queue only (default exchange), not to every service.
            let confirm = channel
                .basic_publish(
                    "".into(),
                    self.names.queue(service).into(),
                    BasicPublishOptions::default(),
                    &d.data,
                    props,
                )
                .await
                .map_err(unreachable)?
                .await
                .map_err(unreachable)?;
            if confirm.is_nack() {
                return Err(TransportError::Refused("replay refused".into()));
            }
            d.ack(BasicAckOptions::default())
                .await
                .map_err(unreachable)?;
            replayed += 1;
        }
        let _ = conn.close(200, "replayed".into()).await;
        Ok(replayed)
    }

    async fn dead_letter_count(&self, service: &str) -> Result<u64, TransportError> {
        self.message_count(self.names.dead_letter_queue(service))
            .await
    }

    async fn queue_depth(&self, service: &str) -> Result<u64, TransportError> {
        self.message_count(self.names.queue(service)).await
    }
}

impl AmqpTransport {
    /// Messages ready in `queue` (0 when it does not exist), by a passive declare.
    async fn message_count(&self, queue: String) -> Result<u64, TransportError> {
        let conn = self.connect().await?;
        let channel = conn.create_channel().await.map_err(unreachable)?;
        let q = channel
            .queue_declare(
                queue.into(),
                QueueDeclareOptions {
                    passive: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await;
        let _ = conn.close(200, "counted".into()).await;
        Ok(q.map(|q| u64::from(q.message_count())).unwrap_or(0))
    }
}

fn topology_for(service: &str) -> Vec<QueueSpec> {
    let mut specs: Vec<QueueSpec> = topology()
        .into_iter()
        .filter(|q| q.service == service)
        .collect();
    if specs.is_empty() {
        specs.push(QueueSpec {
            service: service.to_owned(),
            bindings: Vec::new(),
        });
    }
    specs
}

/// A dead-lettered message as listed. Its deliveries: one more than its `x-delivery-count`
/// when the broker kept that header; otherwise, when it was dead-lettered for reaching the
/// limit (`x-first-death-reason: delivery_limit`, which is how a failing event gets there),
/// the limit itself; unknown otherwise.
fn dead_letter(d: &lapin::message::Delivery, delivery_limit: u32) -> DeadLetter {
    let headers = d.properties.headers().as_ref();
    let header =
        |name: &str| headers.and_then(|h| h.inner().get(&ShortString::from(name)).cloned());
    let counted = header("x-delivery-count").and_then(|v| match v {
        AMQPValue::LongLongInt(n) => Some(n.max(0) as u32 + 1),
        AMQPValue::LongInt(n) => Some(n.max(0) as u32 + 1),
        _ => None,
    });
    let at_limit = match header("x-first-death-reason") {
        Some(AMQPValue::LongString(r)) => r.to_string() == "delivery_limit",
        Some(AMQPValue::ShortString(r)) => r.as_str() == "delivery_limit",
        _ => false,
    };
    let recorded = header(DELIVERIES_HEADER).and_then(|v| match v {
        AMQPValue::LongLongInt(n) => Some(n.max(0) as u32),
        AMQPValue::LongInt(n) => Some(n.max(0) as u32),
        _ => None,
    });
    let last_error = match header(LAST_ERROR_HEADER) {
        Some(AMQPValue::LongString(e)) => Some(e.to_string()),
        _ => None,
    };
    let deliveries = recorded.or(counted).or(at_limit.then_some(delivery_limit));
    DeadLetter {
        message_id: d
            .properties
            .message_id()
            .as_ref()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        routing_key: d.routing_key.as_str().to_owned(),
        deliveries,
        last_error,
        body: String::from_utf8_lossy(&d.data).into_owned(),
    }
}

#[cfg(test)]
mod frame_tests {
    use super::*;

    #[test]
    fn a_broker_url_without_frame_max_proposes_the_small_frame() {
        let uri = with_frame_max("amqp://guest:guest@127.0.0.1:5672/%2f").unwrap();
        assert_eq!(uri.query.frame_max, Some(FRAME_MAX));
        let own = with_frame_max("amqp://guest:guest@127.0.0.1:5672/%2f?frame_max=131072").unwrap();
        assert_eq!(own.query.frame_max, Some(131_072));
        assert!(with_frame_max("not a url").is_err());
    }
}
