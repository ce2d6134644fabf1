//! The bot's private chats on Matrix (`matrix_direct_chats`): which room is a member's private
//! chat with the bot, since when, and when and why it stopped being one. Only rooms the bot
//! created are recorded; a closed chat is never used again.

use super::{Result, Store};

/// Platform code of the rows (the table holds Matrix rooms only).
const PLATFORM: &str = "matrix";

impl Store {
    /// The member's private chat in use, if any.
    pub async fn open_direct_chat(&self, user: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT room_id FROM matrix_direct_chats \
             WHERE platform = ? AND user_id = ? AND closed_at IS NULL",
        )
        .bind(PLATFORM)
        .bind(user)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The member whose private chat in use `room` is, if it is one.
    pub async fn direct_chat_member(&self, room: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM matrix_direct_chats WHERE room_id = ? AND closed_at IS NULL",
        )
        .bind(room)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Records a room the bot has just created as the member's private chat. Any chat of
    /// theirs still marked in use is closed first (`replaced`), in the same transaction.
    pub async fn record_direct_chat(&self, user: &str, room: &str, now: i64) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "UPDATE matrix_direct_chats SET closed_at = ?, closed_reason = 'replaced' \
             WHERE platform = ? AND user_id = ? AND closed_at IS NULL",
        )
        .bind(now)
        .bind(PLATFORM)
        .bind(user)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO matrix_direct_chats (room_id, platform, user_id, created_at) \
             VALUES (?, ?, ?, ?)",
        )
        .bind(room)
        .bind(PLATFORM)
        .bind(user)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stops using `room` as a private chat, saying why. Returns whether it was in use.
    pub async fn close_direct_chat(&self, room: &str, reason: &str, now: i64) -> Result<bool> {
        let closed = sqlx::query(
            "UPDATE matrix_direct_chats SET closed_at = ?, closed_reason = ? \
             WHERE room_id = ? AND closed_at IS NULL",
        )
        .bind(now)
        .bind(reason)
        .bind(room)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(closed > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_chat_in_use_per_member_and_closed_chats_stay_closed() {
        let store = Store::open_in_memory().await.unwrap();
        let ann = "@ann:example.org";
        assert_eq!(store.open_direct_chat(ann).await.unwrap(), None);
        store.record_direct_chat(ann, "!one:x", 10).await.unwrap();
        assert_eq!(
            store.open_direct_chat(ann).await.unwrap().as_deref(),
            Some("!one:x")
        );
        assert_eq!(
            store.direct_chat_member("!one:x").await.unwrap().as_deref(),
            Some(ann)
        );
        // Another member's chat is theirs alone.
        assert_eq!(
            store.open_direct_chat("@bob:example.org").await.unwrap(),
            None
        );

        assert!(
            store
                .close_direct_chat("!one:x", "a third person", 20)
                .await
                .unwrap()
        );
        assert!(
            !store
                .close_direct_chat("!one:x", "again", 30)
                .await
                .unwrap()
        );
        assert_eq!(store.open_direct_chat(ann).await.unwrap(), None);
        assert_eq!(store.direct_chat_member("!one:x").await.unwrap(), None);

        // A new chat replaces any still in use.
        store.record_direct_chat(ann, "!two:x", 40).await.unwrap();
        store.record_direct_chat(ann, "!three:x", 50).await.unwrap();
        assert_eq!(
            store.open_direct_chat(ann).await.unwrap().as_deref(),
            Some("!three:x")
        );
        assert_eq!(store.direct_chat_member("!two:x").await.unwrap(), None);
    }
}
