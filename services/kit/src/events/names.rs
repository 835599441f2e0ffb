//! Broker names, all derived from the exchange name so one setting isolates a deployment.

/// Names of exchanges and queues.
#[derive(Debug, Clone)]
pub struct Names {
    exchange: String,
}

impl Names {
    /// Names under the topic exchange `exchange`.
    pub fn new(exchange: impl Into<String>) -> Self {
        Self {
            exchange: exchange.into(),
        }
    }

    /// The durable topic exchange every service publishes to.
    pub fn exchange(&self) -> &str {
        &self.exchange
    }

    /// The durable queue of a consuming service.
    pub fn queue(&self, service: &str) -> String {
        format!("{}.{service}", self.exchange)
    }

    /// The service's dead-letter exchange.
    pub fn dead_letter_exchange(&self, service: &str) -> String {
        format!("{}.{service}.dlx", self.exchange)
    }

    /// The service's dead-letter queue.
    pub fn dead_letter_queue(&self, service: &str) -> String {
        format!("{}.{service}.dead", self.exchange)
    }
}
