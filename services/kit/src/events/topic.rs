//! AMQP topic matching, for the in-process transport to route as RabbitMQ does.

/// True when `routing_key` matches `pattern`: words split by `.`, `*` stands for exactly one
/// word and `#` for zero or more.
pub fn matches(pattern: &str, routing_key: &str) -> bool {
    let p: Vec<&str> = pattern.split('.').collect();
    let k: Vec<&str> = routing_key.split('.').collect();
    match_words(&p, &k)
}

fn match_words(p: &[&str], k: &[&str]) -> bool {
    match (p.first(), k.first()) {
        (None, None) => true,
        (Some(&"#"), _) => match_words(&p[1..], k) || (!k.is_empty() && match_words(p, &k[1..])),
        (Some(&"*"), Some(_)) => match_words(&p[1..], &k[1..]),
        (Some(w), Some(x)) if w == x => match_words(&p[1..], &k[1..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn topic_patterns_match_like_rabbitmq() {
        assert!(matches("dossier.received", "dossier.received"));
        assert!(!matches("dossier.received", "dossier.submitted"));
        assert!(matches("dossier.*", "dossier.received"));
        assert!(!matches("dossier.*", "dossier.received.v2"));
        assert!(matches("dossier.#", "dossier"));
        assert!(matches("dossier.#", "dossier.a.b"));
        assert!(matches("#", "anything.at.all"));
        assert!(matches("*.concluded", "case.concluded"));
        assert!(!matches("*.concluded", "concluded"));
    }
}
