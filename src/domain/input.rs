//! What a member typed wrong, as the domain's parsers report it: the problem and what is
//! accepted instead, kept apart so callers can show either (a hint under a form field, a reply)
//! while the whole reads as one sentence or two.

use std::fmt;

/// A value a member typed that a parser refused. Its text (`Display`) is the reply members see:
/// the problem, then what is accepted, joined by a space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// What was wrong, as a sentence: "\"25:00\" is not a time: the hour must be 0 to 23.".
    /// Empty when the answer simply did not fit and the accepted forms say it all.
    pub problem: String,
    /// What would have been accepted: "Use 24-hour time like 09:00 …".
    pub accepted: String,
}

impl InputError {
    /// A refusal saying what was wrong and what is accepted.
    pub fn new(problem: impl Into<String>, accepted: impl Into<String>) -> Self {
        Self {
            problem: problem.into(),
            accepted: accepted.into(),
        }
    }

    /// A refusal that only repeats what is accepted ("Please answer with a number from 1 to
    /// 5."), for answers to a question.
    pub fn expected(accepted: impl Into<String>) -> Self {
        Self::new("", accepted)
    }

    /// Whether the message contains `text`; for tests and for callers that look for a phrase.
    pub fn contains(&self, text: &str) -> bool {
        self.to_string().contains(text)
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.problem.is_empty(), self.accepted.is_empty()) {
            (true, _) => f.write_str(&self.accepted),
            (false, true) => f.write_str(&self.problem),
            (false, false) => write!(f, "{} {}", self.problem, self.accepted),
        }
    }
}

impl std::error::Error for InputError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_is_the_problem_then_what_is_accepted() {
        let e = InputError::new("\"x\" is not a time.", "Use 09:00.");
        assert_eq!(e.to_string(), "\"x\" is not a time. Use 09:00.");
    }

    #[test]
    fn either_part_may_stand_alone() {
        assert_eq!(
            InputError::expected("Answer 1 to 5.").to_string(),
            "Answer 1 to 5."
        );
        assert_eq!(InputError::new("No.", "").to_string(), "No.");
    }
}
