//! Members' reports on directory entries: a member says an entry needs a look, the
//! directory's moderators see the open reports grouped by entry in `/review` and resolve them
//! together, and every reporter is told privately through the outbox.

use super::limits::{Gate, Limit};
use super::{Bot, Failure, Handled, refuse_patient_info};
use crate::domain::command::UserError;
use crate::domain::identity::Actor;
use crate::domain::mentions::neutralize;
use crate::domain::notices::Notice;
use crate::domain::reply::{Block, Item, Outgoing, Reply};
use crate::domain::reports::{self, ReportOutcome, ReportReason};
use crate::store::{Report, ReportAdded};

/// The most reports one member may make in 24 hours.
pub(super) const REPORTS_PER_DAY: u32 = 10;

/// What a moderator types to resolve the reports on an entry.
const RESOLVE_HINT: &str = "/review report KEY fixed|dismissed [note:…]";

impl Bot {
    /// `/group report KEY reason:… [details:…]`.
    pub(super) async fn report(
        &self,
        actor: &Actor,
        key: &str,
        reason: ReportReason,
        details: Option<&str>,
    ) -> Handled {
        refuse_patient_info("report", details)?;
        let entry = self.existing(key).await?;
        let now = self.clock.now();
        let user = &actor.member.user;
        let added = self
            .store
            .add_report_within(
                &actor.member,
                &entry.key,
                reason,
                details,
                now,
                REPORTS_PER_DAY,
            )
            .await?;
        let reply = match added {
            ReportAdded::Added(id) => {
                tracing::info!(report = id, group = %entry.key, reason = reason.code(), "entry reported");
                Reply::private(format!(
                    "Thanks, the directory's moderators will look at it; you will hear back here. \
                     (Your report on {}: {reason}.)",
                    neutralize(&entry.name)
                ))
            }
            ReportAdded::AlreadyOpen => Reply::private(format!(
                "Your earlier report on {} is already with the moderators; nothing new was \
                 reported. You will hear back here when they have looked at it.",
                neutralize(&entry.name)
            )),
            ReportAdded::Limited => {
                let until = (self.store.reports_reopen(user, now).await?)
                    .unwrap_or(now + chrono::Duration::days(1));
                match self.limits.gate(Limit::Reports, user, until) {
                    Gate::Quiet => return Err(Failure::Quiet),
                    _ => Reply::private(format!(
                        "Thank you for your {REPORTS_PER_DAY} reports in the last 24 hours. That \
                         is the most one member can send, so this one was not kept; you can \
                         report again from {}.",
                        crate::domain::weekly::local_label(until, self.settings.default_zone)
                    )),
                }
            }
        };
        Ok(vec![Outgoing::Reply(reply)])
    }

    /// `/review report KEY fixed|dismissed [note:…]`: resolves every open report on the entry
    /// and queues a notice for each reporter.
    pub(super) async fn resolve_reports(
        &self,
        actor: &Actor,
        key: &str,
        outcome: ReportOutcome,
        note: Option<&str>,
    ) -> Handled {
        refuse_patient_info("note", note)?;
        let resolved = self
            .store
            .resolve_reports(key, outcome, note, &actor.member.user, self.clock.now())
            .await?;
        if resolved.is_empty() {
            return Err(UserError::new(format!(
                "No open reports on {key}; nothing was changed. /review lists the reported \
                 entries by key."
            ))
            .into());
        }
        // A web visitor has no account to be told through.
        for (r, by) in resolved.iter().filter_map(|r| Some((r, r.by.as_ref()?))) {
            self.store
                .queue_notice(
                    &format!("report:{}", r.id),
                    by,
                    Notice::ReportResolved { report: r.id },
                    self.now(),
                )
                .await?;
        }
        let n = resolved.len();
        Ok(vec![Outgoing::Reply(Reply::private(format!(
            "Resolved {n} report{} on {key} as {}; {} told privately.",
            if n == 1 { "" } else { "s" },
            outcome.code(),
            if n == 1 {
                "the reporter is"
            } else {
                "each reporter is"
            }
        )))])
    }

    /// `reply` (the review queue) with the open reports after it, grouped by entry.
    pub(super) async fn with_reports(&self, mut reply: Reply) -> Result<Reply, Failure> {
        let open = self.store.open_reports().await?;
        if open.is_empty() {
            return self.with_tips_for_review(reply).await;
        }
        let mut groups: Vec<(String, Vec<Report>)> = Vec::new();
        for r in open {
            match groups.last_mut() {
                Some((key, list)) if *key == r.group_key => list.push(r),
                _ => groups.push((r.group_key.clone(), vec![r])),
            }
        }
        let mut items = Vec::with_capacity(groups.len());
        for (key, list) in &groups {
            let entry = self.store.group(key).await?;
            let reasons: Vec<ReportReason> = list.iter().map(|r| r.reason).collect();
            let mut lines = vec![match entry.as_ref().and_then(|e| e.last_checked) {
                Some(d) => format!("last checked {}", d.format("%Y-%m-%d")),
                None if entry.is_some() => "never checked".to_owned(),
                None => "this entry was removed from the directory".to_owned(),
            }];
            for r in list {
                let web = if r.by.is_none() {
                    format!(" (from {})", crate::store::VISITOR_NAME)
                } else {
                    String::new()
                };
                match &r.details {
                    Some(details) => lines.push(format!("{}{web}: {details}", r.reason)),
                    None if r.by.is_none() => lines.push(format!("{}{web}", r.reason)),
                    None => {}
                }
            }
            items.push(Item {
                title: match &entry {
                    Some(e) => format!("{key}: {}", e.name),
                    None => key.clone(),
                },
                subtitle: reports::summary(&reasons),
                lines,
                link: entry.and_then(|e| e.url),
            });
        }
        reply = reply
            .text(format!(
                "{} reported entr{} waiting for a look",
                items.len(),
                if items.len() == 1 { "y" } else { "ies" }
            ))
            .block(Block::Items {
                first_number: 1,
                items,
            });
        let footer = match reply.footer.take() {
            Some(f) => format!("{f}  ·  {RESOLVE_HINT}"),
            None => RESOLVE_HINT.to_owned(),
        };
        self.with_tips_for_review(reply.footer(footer)).await
    }
}
