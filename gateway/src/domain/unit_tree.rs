//! The unit tree: a unit may not become its own ancestor.

use std::collections::HashMap;
use uuid::Uuid;

/// True when making `parent` the parent of `unit` would close a cycle, given each unit's
/// current parent.
pub fn would_create_cycle(unit: Uuid, parent: Uuid, parents: &HashMap<Uuid, Option<Uuid>>) -> bool {
    let mut current = Some(parent);
    let mut steps = 0;
    while let Some(u) = current {
        if u == unit {
            return true;
        }
        steps += 1;
        if steps > parents.len() + 1 {
            return true;
        }
        current = parents.get(&u).copied().flatten();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_tree_refuses_a_parent_below_the_unit() {
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let parents = HashMap::from([(a, None), (b, Some(a)), (c, Some(b))]);
        assert!(would_create_cycle(a, c, &parents));
        assert!(would_create_cycle(a, a, &parents));
        assert!(!would_create_cycle(c, a, &parents));
        let other = Uuid::now_v7();
        assert!(!would_create_cycle(other, c, &parents));
    }
}
