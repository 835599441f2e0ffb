//! Exponential backoff for reconnecting to a broker that is down.

use std::time::Duration;

/// Doubles from 100 ms up to a ceiling; reset after a success.
#[derive(Debug, Clone)]
pub struct Backoff {
    current: Duration,
    max: Duration,
}

impl Backoff {
    /// A backoff never waiting longer than `max`.
    pub fn new(max: Duration) -> Self {
        Self {
            current: Duration::from_millis(100),
            max: max.max(Duration::from_millis(100)),
        }
    }

    /// The next pause.
    pub fn next_delay(&mut self) -> Duration {
        let d = self.current;
        self.current = (self.current * 2).min(self.max);
        d
    }

    /// Back to the shortest pause.
    pub fn reset(&mut self) {
        self.current = Duration::from_millis(100);
    }
}

/// The pause before a failed delivery goes back to its queue: grows with the number of
/// earlier failures so a dependency that is briefly down does not burn the delivery limit.
pub fn retry_delay(previous_deliveries: u32) -> Duration {
    Duration::from_millis(100u64.saturating_mul(1 << previous_deliveries.min(6)))
        .min(Duration::from_secs(5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_ceiling_and_resets() {
        let mut b = Backoff::new(Duration::from_millis(500));
        let delays: Vec<_> = (0..5).map(|_| b.next_delay().as_millis()).collect();
        assert_eq!(delays, vec![100, 200, 400, 500, 500]);
        b.reset();
        assert_eq!(b.next_delay().as_millis(), 100);
        assert_eq!(retry_delay(0).as_millis(), 100);
        assert_eq!(retry_delay(20).as_millis(), 5000);
    }
}
