//! Reading a Temporal failure: what a person should see of it.

use temporalio_common::protos::temporal::api::failure::v1::Failure;

/// The message at the bottom of a failure's chain: the bank's own words ("insufficient
/// funds…"), not the "activity task failed" wrapper Temporal puts around them.
pub fn innermost_message(failure: &Failure) -> String {
    let mut innermost = failure;
    while let Some(cause) = innermost.cause.as_deref() {
        innermost = cause;
    }
    innermost.message.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(message: &str, cause: Option<Failure>) -> Failure {
        Failure { message: message.into(), cause: cause.map(Box::new), ..Failure::default() }
    }

    #[test]
    fn the_innermost_cause_speaks() {
        let bank = failure("insufficient funds in account_A", None);
        let activity = failure("activity task failed", Some(bank));
        let workflow = failure("workflow failed", Some(activity));
        assert_eq!(innermost_message(&workflow), "insufficient funds in account_A");
        assert_eq!(innermost_message(&failure("alone", None)), "alone");
    }
}
