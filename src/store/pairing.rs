//! Networking and mentorship pairing (`pairing_*` tables): who opted in, rounds written once
//! with their groups and introductions, and members' answers.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::outbox::queue_notice_in;
use super::{Result, Store, StoreError, member_from_row};
use crate::domain::identity::{Member, UserId};
use crate::domain::notices::Notice;
use crate::domain::pairing::{
    Group, Pid, Profile, Role, Shared, parse_role, parse_shift, role_code, shift_code,
};

/// A member who opted in to pairing.
#[derive(Debug, Clone)]
pub struct PairMember {
    pub id: Pid,
    pub member: Member,
    /// `platform:id` of the community they opted in from.
    pub community: String,
    pub profile: Profile,
    pub paused_until: Option<i64>,
    pub left_out: bool,
    pub last_round: Option<i64>,
}

/// One seat of a group: who, and their answers.
#[derive(Debug, Clone)]
pub struct Seat {
    pub member_id: Pid,
    pub member: Member,
    pub role: Role,
    pub profile: Profile,
    pub answer: Option<String>,
    pub met: Option<String>,
}

/// A group proposed in a round.
#[derive(Debug, Clone)]
pub struct PairGroup {
    pub id: i64,
    pub round: i64,
    pub scope: String,
    pub status: String,
    pub shared: Vec<Shared>,
    pub report_reason: Option<String>,
    pub created_at: i64,
    pub seats: Vec<Seat>,
}

impl PairGroup {
    /// The seat of `user`, if they are in the group.
    pub fn seat(&self, user: &UserId) -> Option<&Seat> {
        self.seats.iter().find(|s| &s.member.user == user)
    }
}

/// What a member's answer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// No introduction waits for an answer.
    NothingOpen,
    /// Recorded; others have yet to answer.
    Waiting,
    /// Everyone accepted: each is told how to reach the others.
    AllAccepted,
    /// Skipped: the others are told kindly.
    Skipped,
}

/// Pairing counts for `/pair stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairCounts {
    pub groups: i64,
    pub accepted: i64,
    pub met_yes: i64,
    pub met_no: i64,
    pub met_not_yet: i64,
}

fn encode_profile(p: &Profile) -> String {
    format!(
        "{};{};{};{};{};{};{}",
        role_code(p.role),
        p.specialty.as_deref().unwrap_or_default(),
        p.state.as_deref().unwrap_or_default(),
        p.shift.map(shift_code).unwrap_or_default(),
        p.interests.join(","),
        p.every_weeks,
        p.capacity
    )
}

fn decode_profile(text: &str) -> Result<Profile> {
    let corrupt = || StoreError::Corrupt("pairing profile".into());
    let parts: Vec<&str> = text.split(';').collect();
    let [role, specialty, state, shift, interests, every, capacity] = parts.as_slice() else {
        return Err(corrupt());
    };
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Ok(Profile {
        role: parse_role(role).map_err(|_| corrupt())?,
        specialty: some(specialty),
        state: some(state),
        shift: if shift.is_empty() {
            None
        } else {
            Some(parse_shift(shift).map_err(|_| corrupt())?)
        },
        interests: interests
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        every_weeks: every.parse().map_err(|_| corrupt())?,
        capacity: capacity.parse().map_err(|_| corrupt())?,
    })
}

fn encode_shared(shared: &[Shared]) -> String {
    shared
        .iter()
        .map(|s| match s {
            Shared::Specialty(v) => format!("specialty={v}"),
            Shared::Shift(v) => format!("shift={}", shift_code(*v)),
            Shared::State(v) => format!("state={v}"),
            Shared::Interest(v) => format!("interest={v}"),
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn decode_shared(text: &str) -> Vec<Shared> {
    text.split(',')
        .filter_map(|part| {
            let (kind, value) = part.split_once('=')?;
            Some(match kind {
                "specialty" => Shared::Specialty(value.to_owned()),
                "shift" => Shared::Shift(parse_shift(value).ok()?),
                "state" => Shared::State(value.to_owned()),
                "interest" => Shared::Interest(value.to_owned()),
                _ => return None,
            })
        })
        .collect()
}

fn pair_member_from_row(r: &SqliteRow) -> Result<PairMember> {
    let interests: String = r.try_get("interests")?;
    let shift: Option<String> = r.try_get("shift")?;
    let corrupt = || StoreError::Corrupt("pairing member".into());
    Ok(PairMember {
        id: r.try_get("id")?,
        member: member_from_row(r)?,
        community: r.try_get("community")?,
        profile: Profile {
            role: parse_role(&r.try_get::<String, _>("role")?).map_err(|_| corrupt())?,
            specialty: r.try_get("specialty")?,
            state: r.try_get("state")?,
            shift: shift
                .map(|s| parse_shift(&s).map_err(|_| corrupt()))
                .transpose()?,
            interests: interests
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            every_weeks: u8::try_from(r.try_get::<i64, _>("every_weeks")?)
                .map_err(|_| corrupt())?,
            capacity: u8::try_from(r.try_get::<i64, _>("capacity")?).map_err(|_| corrupt())?,
        },
        paused_until: r.try_get("paused_until")?,
        left_out: r.try_get::<i64, _>("left_out")? != 0,
        last_round: r.try_get("last_round")?,
    })
}

/// A planned group with the members in it, ready to write.
#[derive(Debug, Clone)]
pub struct PlannedGroup<'a> {
    pub group: Group,
    pub members: Vec<&'a PairMember>,
}

/// `pairing_groups.meeting_room` while a room is being opened (room ids start with `!`).
const MEETING_OPENING: &str = "opening";

impl Store {
    /// Opts a member in (or updates their settings). `Ok(true)`: they were not in before.
    pub async fn pair_join(
        &self,
        member: &Member,
        community: &str,
        p: &Profile,
        now: i64,
    ) -> Result<bool> {
        let known = self.pair_member(&member.user).await?.is_some();
        sqlx::query(
            "INSERT INTO pairing_members (platform, user_id, display_name, community, role, \
             specialty, state, shift, interests, every_weeks, capacity, joined_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, user_id) DO \
             UPDATE SET display_name = excluded.display_name, community = excluded.community, \
             role = excluded.role, specialty = excluded.specialty, state = excluded.state, \
             shift = excluded.shift, interests = excluded.interests, \
             every_weeks = excluded.every_weeks, capacity = excluded.capacity",
        )
        .bind(member.user.platform.code())
        .bind(&member.user.id)
        .bind(&member.display_name)
        .bind(community)
        .bind(role_code(p.role))
        .bind(&p.specialty)
        .bind(&p.state)
        .bind(p.shift.map(shift_code))
        .bind(p.interests.join(","))
        .bind(i64::from(p.every_weeks))
        .bind(i64::from(p.capacity))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(!known)
    }

    /// A member's pairing row, if they opted in.
    pub async fn pair_member(&self, user: &UserId) -> Result<Option<PairMember>> {
        let row = sqlx::query("SELECT * FROM pairing_members WHERE platform = ? AND user_id = ?")
            .bind(user.platform.code())
            .bind(&user.id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(pair_member_from_row).transpose()
    }

    /// Everyone opted in, oldest first.
    pub async fn pair_members(&self) -> Result<Vec<PairMember>> {
        let rows = sqlx::query("SELECT * FROM pairing_members ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(pair_member_from_row).collect()
    }

    /// Pauses a member's pairing until `until` (`None`: resumes).
    pub async fn pair_pause(&self, user: &UserId, until: Option<i64>) -> Result<bool> {
        Ok(sqlx::query(
            "UPDATE pairing_members SET paused_until = ? WHERE platform = ? AND user_id = ?",
        )
        .bind(until)
        .bind(user.platform.code())
        .bind(&user.id)
        .execute(&self.pool)
        .await?
        .rows_affected()
            > 0)
    }

    /// Opts a member out. `Ok(false)`: they were not in.
    pub async fn pair_leave(&self, user: &UserId) -> Result<bool> {
        Ok(
            sqlx::query("DELETE FROM pairing_members WHERE platform = ? AND user_id = ?")
                .bind(user.platform.code())
                .bind(&user.id)
                .execute(&self.pool)
                .await?
                .rows_affected()
                > 0,
        )
    }

    /// Pairs of members placed together (proposed, accepted, reported or skipped: someone who
    /// passed on an introduction is not offered the same colleague again; not expired) since
    /// `since`: the matcher does not pair them again.
    pub async fn pair_recent(&self, since: i64) -> Result<Vec<(Pid, Pid)>> {
        let rows = sqlx::query(
            "SELECT a.participant AS a, b.participant AS b FROM pairing_seats a \
             JOIN pairing_seats b ON a.group_id = b.group_id AND a.participant < b.participant \
             JOIN pairing_groups g ON g.id = a.group_id \
             WHERE g.status IN ('proposed', 'accepted', 'reported', 'skipped') AND g.created_at >= ?",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("a")?, r.try_get("b")?)))
            .collect()
    }

    /// Whether the round of `scope` on `date` ran already.
    pub async fn pair_round_ran(&self, scope: &str, date: &str) -> Result<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM pairing_rounds WHERE scope = ? AND date = ?")
                .bind(scope)
                .bind(date)
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }

    /// Writes a round in one transaction: its row (keyed by scope and date), its groups and
    /// seats, the members' left-out flags, and an introduction (or a kind word to those left
    /// out) queued in the outbox for each member. Introductions still unanswered from earlier
    /// rounds of the scope expire. `Ok(None)`: the round had run already; nothing written.
    pub async fn pair_write_round(
        &self,
        scope: &str,
        date: &str,
        groups: &[PlannedGroup<'_>],
        left_out: &[(&PairMember, &'static str)],
        now: i64,
    ) -> Result<Option<i64>> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let round: Option<i64> = sqlx::query_scalar(
            "INSERT INTO pairing_rounds (scope, date, ran_at) VALUES (?, ?, ?) \
             ON CONFLICT (scope, date) DO NOTHING RETURNING id",
        )
        .bind(scope)
        .bind(date)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(round) = round else {
            return Ok(None);
        };
        sqlx::query(
            "UPDATE pairing_groups SET status = 'expired', ended_at = ? WHERE status = 'proposed' \
             AND round_id IN (SELECT id FROM pairing_rounds WHERE scope = ? AND id <> ?)",
        )
        .bind(now)
        .bind(scope)
        .bind(round)
        .execute(&mut *tx)
        .await?;
        for planned in groups {
            let group: i64 = sqlx::query_scalar(
                "INSERT INTO pairing_groups (round_id, status, shared, created_at) \
                 VALUES (?, 'proposed', ?, ?) RETURNING id",
            )
            .bind(round)
            .bind(encode_shared(&planned.group.shared))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for m in &planned.members {
                let role = match planned.group.mentor {
                    Some(mentor) if mentor == m.id => Role::Mentor,
                    Some(_) => Role::Mentee,
                    None => Role::Peer,
                };
                sqlx::query(
                    "INSERT INTO pairing_seats (group_id, participant, platform, user_id, \
                     display_name, role, profile) VALUES (?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(group)
                .bind(m.id)
                .bind(m.member.user.platform.code())
                .bind(&m.member.user.id)
                .bind(&m.member.display_name)
                .bind(role_code(role))
                .bind(encode_profile(&m.profile))
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE pairing_members SET left_out = 0, last_round = ? WHERE id = ?")
                    .bind(now)
                    .bind(m.id)
                    .execute(&mut *tx)
                    .await?;
                let key = format!(
                    "pair-intro:{group}:{}:{}",
                    m.member.user.platform.code(),
                    m.member.user.id
                );
                queue_notice_in(
                    &mut tx,
                    &key,
                    &m.member,
                    Notice::PairIntro { group },
                    now,
                    now,
                )
                .await?;
            }
        }
        for (m, why) in left_out {
            sqlx::query("UPDATE pairing_members SET left_out = 1 WHERE id = ?")
                .bind(m.id)
                .execute(&mut *tx)
                .await?;
            let key = format!(
                "pair-left-out:{round}:{}:{}",
                m.member.user.platform.code(),
                m.member.user.id
            );
            queue_notice_in(
                &mut tx,
                &key,
                &m.member,
                Notice::PairLeftOut { why },
                now,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Some(round))
    }

    /// A group with its seats.
    pub async fn pair_group(&self, id: i64) -> Result<Option<PairGroup>> {
        let Some(g) = sqlx::query(
            "SELECT g.*, r.scope FROM pairing_groups g JOIN pairing_rounds r ON r.id = g.round_id \
             WHERE g.id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let seats =
            sqlx::query("SELECT * FROM pairing_seats WHERE group_id = ? ORDER BY participant")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        let corrupt = || StoreError::Corrupt("pairing seat".into());
        let seats = seats
            .iter()
            .map(|r| {
                Ok(Seat {
                    member_id: r.try_get("participant")?,
                    member: member_from_row(r)?,
                    role: parse_role(&r.try_get::<String, _>("role")?).map_err(|_| corrupt())?,
                    profile: decode_profile(&r.try_get::<String, _>("profile")?)?,
                    answer: r.try_get("answer")?,
                    met: r.try_get("met")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(PairGroup {
            id,
            round: g.try_get("round_id")?,
            scope: g.try_get("scope")?,
            status: g.try_get("status")?,
            shared: decode_shared(&g.try_get::<String, _>("shared")?),
            report_reason: g.try_get("report_reason")?,
            created_at: g.try_get("created_at")?,
            seats,
        }))
    }

    /// The member's latest group in one of `statuses`.
    pub async fn pair_latest_group(
        &self,
        user: &UserId,
        statuses: &[&str],
    ) -> Result<Option<PairGroup>> {
        let ids: Vec<(i64, String)> = sqlx::query_as(
            "SELECT g.id, g.status FROM pairing_groups g JOIN pairing_seats s ON s.group_id = g.id \
             WHERE s.platform = ? AND s.user_id = ? ORDER BY g.id DESC LIMIT 1",
        )
        .bind(user.platform.code())
        .bind(&user.id)
        .fetch_all(&self.pool)
        .await?;
        match ids.first() {
            Some((id, status)) if statuses.contains(&status.as_str()) => self.pair_group(*id).await,
            _ => Ok(None),
        }
    }

    /// Records a member's answer to their open introduction, in one transaction with what
    /// follows from it: once all accepted, each is told how to reach the others (and asked a
    /// week later whether they met); a skip ends the group and the others are told kindly.
    pub async fn pair_answer(
        &self,
        user: &UserId,
        accept: bool,
        follow_up_at: i64,
        now: i64,
    ) -> Result<(Answered, Option<i64>)> {
        let Some(group) = self.pair_latest_group(user, &["proposed"]).await? else {
            return Ok((Answered::NothingOpen, None));
        };
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM pairing_groups WHERE id = ?")
                .bind(group.id)
                .fetch_optional(&mut *tx)
                .await?;
        if status.as_deref() != Some("proposed") {
            return Ok((Answered::NothingOpen, None));
        }
        sqlx::query(
            "UPDATE pairing_seats SET answer = ? WHERE group_id = ? AND platform = ? AND user_id = ?",
        )
        .bind(if accept { "accept" } else { "skip" })
        .bind(group.id)
        .bind(user.platform.code())
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
        let key = |what: &str, m: &Member| {
            format!(
                "pair-{what}:{}:{}:{}",
                group.id,
                m.user.platform.code(),
                m.user.id
            )
        };
        let outcome = if !accept {
            sqlx::query("UPDATE pairing_groups SET status = 'skipped', ended_at = ? WHERE id = ?")
                .bind(now)
                .bind(group.id)
                .execute(&mut *tx)
                .await?;
            for s in group.seats.iter().filter(|s| &s.member.user != user) {
                let notice = Notice::PairSkipped { group: group.id };
                queue_notice_in(
                    &mut tx,
                    &key("skipped", &s.member),
                    &s.member,
                    notice,
                    now,
                    now,
                )
                .await?;
            }
            Answered::Skipped
        } else {
            let waiting: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pairing_seats WHERE group_id = ? \
                 AND (answer IS NULL OR answer <> 'accept')",
            )
            .bind(group.id)
            .fetch_one(&mut *tx)
            .await?;
            if waiting > 0 {
                Answered::Waiting
            } else {
                sqlx::query("UPDATE pairing_groups SET status = 'accepted' WHERE id = ?")
                    .bind(group.id)
                    .execute(&mut *tx)
                    .await?;
                for s in &group.seats {
                    let matched = Notice::PairMatched { group: group.id };
                    queue_notice_in(
                        &mut tx,
                        &key("matched", &s.member),
                        &s.member,
                        matched,
                        now,
                        now,
                    )
                    .await?;
                    let follow = Notice::PairFollowUp { group: group.id };
                    queue_notice_in(
                        &mut tx,
                        &key("follow-up", &s.member),
                        &s.member,
                        follow,
                        follow_up_at,
                        now,
                    )
                    .await?;
                }
                Answered::AllAccepted
            }
        };
        tx.commit().await?;
        Ok((outcome, Some(group.id)))
    }

    /// Ends the member's latest proposed or accepted group as reported, and queues a notice
    /// about it to each of `moderators`. `Ok(None)`: nothing to report.
    pub async fn pair_report(
        &self,
        user: &UserId,
        reason: &str,
        moderators: &[Member],
        now: i64,
    ) -> Result<Option<i64>> {
        let Some(group) = self
            .pair_latest_group(user, &["proposed", "accepted"])
            .await?
        else {
            return Ok(None);
        };
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "UPDATE pairing_groups SET status = 'reported', report_reason = ?, ended_at = ? \
             WHERE id = ?",
        )
        .bind(reason)
        .bind(now)
        .bind(group.id)
        .execute(&mut *tx)
        .await?;
        for m in moderators {
            let key = format!(
                "pair-report:{}:{}:{}",
                group.id,
                m.user.platform.code(),
                m.user.id
            );
            let notice = Notice::PairReported { group: group.id };
            queue_notice_in(&mut tx, &key, m, notice, now, now).await?;
        }
        tx.commit().await?;
        Ok(Some(group.id))
    }

    /// The group whose introduction to `user` was the message `message_id`, if it was one.
    pub async fn pair_intro_for_message(
        &self,
        user: &UserId,
        message_id: &str,
    ) -> Result<Option<i64>> {
        let key: Option<String> = sqlx::query_scalar(
            "SELECT idempotency_key FROM outbox WHERE platform = ? AND platform_message_id = ? \
             AND user_id = ? AND idempotency_key LIKE 'pair-intro:%' ORDER BY id DESC LIMIT 1",
        )
        .bind(user.platform.code())
        .bind(message_id)
        .bind(&user.id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(key.and_then(|k| k.split(':').nth(1)?.parse().ok()))
    }

    /// The Matrix room opened for a group whose members all accepted, if any (not the mark
    /// that one is being opened).
    pub async fn pair_meeting_room(&self, group: i64) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT meeting_room FROM pairing_groups WHERE id = ? AND meeting_room != ?",
        )
        .bind(group)
        .bind(MEETING_OPENING)
        .fetch_optional(&self.pool)
        .await?
        .flatten())
    }

    /// Marks that a room is being asked for, before asking: after a stop between the
    /// homeserver's answer and [`Store::pair_set_meeting_room`], the next try knows a room
    /// may exist already. A group with a recorded room keeps it.
    pub async fn pair_mark_meeting_opening(&self, group: i64) -> Result<()> {
        sqlx::query(
            "UPDATE pairing_groups SET meeting_room = ? WHERE id = ? AND meeting_room IS NULL",
        )
        .bind(MEETING_OPENING)
        .bind(group)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether an earlier try marked the group's room as being opened and did not record it.
    pub async fn pair_meeting_opening(&self, group: i64) -> Result<bool> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT 1 FROM pairing_groups WHERE id = ? AND meeting_room = ?",
        )
        .bind(group)
        .bind(MEETING_OPENING)
        .fetch_optional(&self.pool)
        .await?
        .is_some())
    }

    /// Records the Matrix room opened for a group.
    pub async fn pair_set_meeting_room(&self, group: i64, room: &str) -> Result<()> {
        sqlx::query("UPDATE pairing_groups SET meeting_room = ? WHERE id = ?")
            .bind(room)
            .bind(group)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records whether the member met their latest accepted group. `Ok(false)`: none.
    pub async fn pair_met(&self, user: &UserId, met: &str) -> Result<bool> {
        let Some(group) = self.pair_latest_group(user, &["accepted"]).await? else {
            return Ok(false);
        };
        sqlx::query(
            "UPDATE pairing_seats SET met = ? WHERE group_id = ? AND platform = ? AND user_id = ?",
        )
        .bind(met)
        .bind(group.id)
        .bind(user.platform.code())
        .bind(&user.id)
        .execute(&self.pool)
        .await?;
        Ok(true)
    }

    /// Counts for `/pair stats` over the rounds of `scope`.
    pub async fn pair_counts(&self, scope: &str) -> Result<PairCounts> {
        let row = sqlx::query(
            "SELECT count(*) AS groups, \
             coalesce(sum(g.status IN ('accepted', 'reported')), 0) AS accepted \
             FROM pairing_groups g JOIN pairing_rounds r ON r.id = g.round_id WHERE r.scope = ?",
        )
        .bind(scope)
        .fetch_one(&self.pool)
        .await?;
        let met = sqlx::query(
            "SELECT coalesce(sum(s.met = 'yes'), 0) AS yes, coalesce(sum(s.met = 'no'), 0) AS no, \
             coalesce(sum(s.met = 'notyet'), 0) AS notyet FROM pairing_seats s \
             JOIN pairing_groups g ON g.id = s.group_id \
             JOIN pairing_rounds r ON r.id = g.round_id WHERE r.scope = ?",
        )
        .bind(scope)
        .fetch_one(&self.pool)
        .await?;
        Ok(PairCounts {
            groups: row.try_get("groups")?,
            accepted: row.try_get("accepted")?,
            met_yes: met.try_get("yes")?,
            met_no: met.try_get("no")?,
            met_not_yet: met.try_get("notyet")?,
        })
    }
}

/// Reads a stored profile (for tests of the encoding).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_and_what_is_shared_read_back_as_written() {
        let p = Profile {
            role: Role::Mentor,
            specialty: Some("microbiology".into()),
            state: None,
            shift: Some(crate::domain::pairing::Shift::Night),
            interests: vec!["hiking".into(), "board games".into()],
            every_weeks: 4,
            capacity: 2,
        };
        assert_eq!(decode_profile(&encode_profile(&p)).unwrap(), p);
        let shared = vec![
            Shared::Specialty("mls".into()),
            Shared::Shift(crate::domain::pairing::Shift::Day),
            Shared::Interest("hiking".into()),
        ];
        assert_eq!(decode_shared(&encode_shared(&shared)), shared);
    }
}
