-- The whole database schema, generated from empty by tools/sqlgen (npm run migration:new).
-- Not run by anything: the drift test compares it with what the migrations build.
-- schema.prisma sha256: 95a20c4f945bbb9b90b393dd94d2d8ebec60b4bd84f24fc64e579ef4bc37730a

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Provider" AS ENUM ('google', 'microsoft', 'sandbox');

-- CreateEnum
CREATE TYPE "ConnectionStatus" AS ENUM ('active', 'needs_reauth', 'disconnected');

-- CreateEnum
CREATE TYPE "PushStatus" AS ENUM ('none', 'active', 'failed');

-- CreateEnum
CREATE TYPE "ResponseStatus" AS ENUM ('needs_action', 'accepted', 'tentative', 'declined');

-- CreateEnum
CREATE TYPE "MeetingState" AS ENUM ('upcoming', 'in_progress', 'late', 'attended', 'suspected_missed', 'missed', 'excused');

-- CreateEnum
CREATE TYPE "EvidenceKind" AS ENUM ('conference_joined', 'others_joined', 'checked_in', 'marked_attended', 'presence_in_call');

-- CreateEnum
CREATE TYPE "EvidenceSource" AS ENUM ('conference', 'presence', 'check_in');

-- CreateEnum
CREATE TYPE "CheckInPrompt" AS ENUM ('digest', 'each', 'never');

-- CreateEnum
CREATE TYPE "PresenceStatus" AS ENUM ('unknown', 'available', 'unavailable');

-- CreateEnum
CREATE TYPE "AlertKind" AS ENUM ('late', 'suspected_missed', 'needs_reauth', 'buffer_conflict', 'reminder', 'send_outcome_unknown', 'nudge', 'heads_up', 'digest');

-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('open', 'answered', 'resolved', 'withdrawn');

-- CreateEnum
CREATE TYPE "AlertChannel" AS ENUM ('email', 'feed', 'webhook', 'push', 'ntfy');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('pending', 'delivered', 'failed', 'skipped');

-- CreateEnum
CREATE TYPE "CaseStatus" AS ENUM ('open', 'closed');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('queued', 'running', 'done', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "DraftKind" AS ENUM ('late_notice', 'reschedule', 'materials', 'thank_you');

-- CreateEnum
CREATE TYPE "DraftStatus" AS ENUM ('pending', 'approved', 'sent', 'rejected', 'failed');

-- CreateEnum
CREATE TYPE "MailTransport" AS ENUM ('mailbox', 'smtp', 'outbox');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "settings" (
    "user_id" UUID NOT NULL,
    "time_zone" TEXT NOT NULL DEFAULT 'UTC',
    "late_grace_minutes" INTEGER NOT NULL DEFAULT 5,
    "settle_minutes" INTEGER NOT NULL DEFAULT 10,
    "auto_confirm_minutes" INTEGER,
    "buffer_minutes" INTEGER NOT NULL DEFAULT 40,
    "gift_delay_minutes" INTEGER NOT NULL DEFAULT 180,
    "working_hours" JSONB NOT NULL DEFAULT '{"days":[1,2,3,4,5],"start":"09:00","end":"17:00"}',
    "auto_send_late_notice" BOOLEAN NOT NULL DEFAULT false,
    "alert_channels" "AlertChannel"[] DEFAULT ARRAY['email', 'feed']::"AlertChannel"[],
    "webhook_url" TEXT,
    "send_via" "MailTransport" NOT NULL DEFAULT 'mailbox',
    "check_in_prompt" "CheckInPrompt" NOT NULL DEFAULT 'digest',
    "late_alerts_without_signal" BOOLEAN NOT NULL DEFAULT false,
    "nudge_minutes" INTEGER NOT NULL DEFAULT 5,
    "nudge_channels" "AlertChannel"[] DEFAULT ARRAY['feed']::"AlertChannel"[],
    "time_zone_chosen" BOOLEAN NOT NULL DEFAULT false,
    "channels_by_kind" JSONB,
    "quiet_hours_start" TEXT DEFAULT '22:00',
    "quiet_hours_end" TEXT DEFAULT '07:00',
    "ntfy_url" TEXT,
    "ntfy_token_sealed" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "settings_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" VARCHAR(64) NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oauth_states" (
    "state" VARCHAR(64) NOT NULL,
    "provider" "Provider" NOT NULL,
    "browser_binding" VARCHAR(64) NOT NULL,
    "code_verifier" TEXT NOT NULL,
    "user_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "oauth_states_pkey" PRIMARY KEY ("state")
);

-- CreateTable
CREATE TABLE "connections" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "provider" "Provider" NOT NULL,
    "account_id" TEXT NOT NULL,
    "account_email" TEXT NOT NULL,
    "scopes" TEXT[],
    "access_token_sealed" TEXT,
    "refresh_token_sealed" TEXT,
    "token_key_id" TEXT,
    "access_token_expires_at" TIMESTAMPTZ(3),
    "status" "ConnectionStatus" NOT NULL DEFAULT 'active',
    "authorized_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_sync_at" TIMESTAMPTZ(3),
    "last_sync_error" TEXT,
    "last_error_at" TIMESTAMPTZ(3),
    "backoff_until" TIMESTAMPTZ(3),
    "backoff_attempts" INTEGER NOT NULL DEFAULT 0,
    "sync_lease_until" TIMESTAMPTZ(3),
    "sync_lease_owner" TEXT,
    "sync_again" BOOLEAN NOT NULL DEFAULT false,
    "push_status" "PushStatus" NOT NULL DEFAULT 'none',
    "presence_status" "PresenceStatus" NOT NULL DEFAULT 'unknown',
    "presence_note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "calendars" (
    "id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "provider_calendar_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "is_primary" BOOLEAN NOT NULL DEFAULT false,
    "time_zone" TEXT,
    "sync_cursor" TEXT,
    "window_start" TIMESTAMPTZ(3),
    "window_end" TIMESTAMPTZ(3),
    "last_full_sync_at" TIMESTAMPTZ(3),

    CONSTRAINT "calendars_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "push_channels" (
    "id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "provider_calendar_id" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "resource_id" TEXT,
    "secret_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stopped_at" TIMESTAMPTZ(3),
    "last_message_number" BIGINT,

    CONSTRAINT "push_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "push_receipts" (
    "channel_id" UUID NOT NULL,
    "fingerprint" VARCHAR(64) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "push_receipts_pkey" PRIMARY KEY ("channel_id","fingerprint")
);

-- CreateTable
CREATE TABLE "meetings" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "calendar_id" UUID NOT NULL,
    "provider_event_id" TEXT NOT NULL,
    "ical_uid" TEXT,
    "series_id" TEXT,
    "original_start" TIMESTAMPTZ(3),
    "title" TEXT NOT NULL,
    "description" TEXT,
    "location" TEXT,
    "start" TIMESTAMPTZ(3) NOT NULL,
    "end" TIMESTAMPTZ(3) NOT NULL,
    "time_zone" TEXT NOT NULL,
    "is_all_day" BOOLEAN NOT NULL DEFAULT false,
    "organizer_email" TEXT,
    "organizer_name" TEXT,
    "is_organizer" BOOLEAN NOT NULL DEFAULT false,
    "self_response" "ResponseStatus" NOT NULL DEFAULT 'needs_action',
    "is_cancelled" BOOLEAN NOT NULL DEFAULT false,
    "is_free" BOOLEAN NOT NULL DEFAULT false,
    "is_buffer" BOOLEAN NOT NULL DEFAULT false,
    "meet_code" TEXT,
    "teams_join_url" TEXT,
    "online_meeting_id" TEXT,
    "conference_url" TEXT,
    "zoom_meeting_id" TEXT,
    "zoom_meeting_uuid" TEXT,
    "provider_updated_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "watched" BOOLEAN NOT NULL DEFAULT false,
    "state" "MeetingState",
    "state_changed_at" TIMESTAMPTZ(3),
    "evidence_checked_at" TIMESTAMPTZ(3),
    "evidence_note" TEXT,
    "evidence_source" "EvidenceSource" NOT NULL DEFAULT 'check_in',
    "evidence_source_reason" TEXT NOT NULL DEFAULT '',
    "live_signal" BOOLEAN NOT NULL DEFAULT false,
    "live_read_at" TIMESTAMPTZ(3),
    "digested_at" TIMESTAMPTZ(3),
    "next_check_at" TIMESTAMPTZ(3) DEFAULT CURRENT_TIMESTAMP,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "meetings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "attendees" (
    "id" UUID NOT NULL,
    "meeting_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "response" "ResponseStatus" NOT NULL DEFAULT 'needs_action',
    "is_self" BOOLEAN NOT NULL DEFAULT false,
    "is_organizer" BOOLEAN NOT NULL DEFAULT false,
    "is_optional" BOOLEAN NOT NULL DEFAULT false,
    "is_resource" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "attendees_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evidence" (
    "id" UUID NOT NULL,
    "meeting_id" UUID NOT NULL,
    "kind" "EvidenceKind" NOT NULL,
    "source_key" TEXT NOT NULL,
    "observed_at" TIMESTAMPTZ(3) NOT NULL,
    "detail" JSONB,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evidence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "state_transitions" (
    "id" UUID NOT NULL,
    "meeting_id" UUID NOT NULL,
    "from_state" "MeetingState" NOT NULL,
    "to_state" "MeetingState" NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "state_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "meeting_id" UUID,
    "connection_id" UUID,
    "kind" "AlertKind" NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "data" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3),
    "withdrawn_at" TIMESTAMPTZ(3),
    "status" "AlertStatus" NOT NULL DEFAULT 'open',
    "answer" TEXT,
    "answered_at" TIMESTAMPTZ(3),

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "push_subscriptions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "endpoint" TEXT NOT NULL,
    "p256dh" TEXT NOT NULL,
    "auth" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "push_subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "web_push_sends" (
    "alert_id" UUID NOT NULL,
    "subscription_id" UUID NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "status" INTEGER NOT NULL,
    "shortened" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "web_push_sends_pkey" PRIMARY KEY ("alert_id","subscription_id")
);

-- CreateTable
CREATE TABLE "alert_deliveries" (
    "id" UUID NOT NULL,
    "alert_id" UUID NOT NULL,
    "channel" "AlertChannel" NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "recovery_cases" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "meeting_id" UUID NOT NULL,
    "status" "CaseStatus" NOT NULL DEFAULT 'open',
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "phone" TEXT,
    "rescheduled_meeting_id" UUID,
    "buffer_event_id" TEXT,
    "buffer_start" TIMESTAMPTZ(3),
    "gift_note" TEXT,
    "buffer_end" TIMESTAMPTZ(3),
    "proposed_slots" JSONB,
    "steps_done" JSONB NOT NULL DEFAULT '{}',
    "materials_links" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "recovery_cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tasks" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "status" "TaskStatus" NOT NULL DEFAULT 'queued',
    "due_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL DEFAULT 8,
    "locked_by" TEXT,
    "locked_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "idempotency_key" TEXT NOT NULL,
    "user_id" UUID,
    "case_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "drafts" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "case_id" UUID,
    "meeting_id" UUID,
    "kind" "DraftKind" NOT NULL,
    "to" TEXT[],
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" "DraftStatus" NOT NULL DEFAULT 'pending',
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "edited_at" TIMESTAMPTZ(3),
    "approved_at" TIMESTAMPTZ(3),
    "rejected_at" TIMESTAMPTZ(3),
    "send_attempted_at" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "sent_via" "MailTransport",
    "message_id" TEXT,
    "provider_message_id" TEXT,
    "last_error" TEXT,
    "resent_after_check_at" TIMESTAMPTZ(3),
    "withdrawn_reason" TEXT,

    CONSTRAINT "drafts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contact_notes" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "phone" TEXT,
    "likes" TEXT,

    CONSTRAINT "contact_notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_messages" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "transport" "MailTransport" NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "to" TEXT[],
    "subject" TEXT NOT NULL,
    "text_body" TEXT NOT NULL,
    "html_body" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sandbox_events" (
    "id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "sample_key" TEXT,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "location" TEXT,
    "start" TIMESTAMPTZ(3) NOT NULL,
    "end" TIMESTAMPTZ(3) NOT NULL,
    "time_zone" TEXT NOT NULL,
    "attendees" JSONB NOT NULL DEFAULT '[]',
    "self_response" "ResponseStatus" NOT NULL DEFAULT 'accepted',
    "is_free" BOOLEAN NOT NULL DEFAULT false,
    "marker" TEXT,
    "conference_code" TEXT,
    "self_joined_at" TIMESTAMPTZ(3),
    "others_joined_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sandbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "zoom_connections" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "zoom_user_id" TEXT NOT NULL,
    "account_email" TEXT NOT NULL,
    "scopes" TEXT[],
    "access_token_sealed" TEXT,
    "refresh_token_sealed" TEXT,
    "token_key_id" TEXT,
    "access_token_expires_at" TIMESTAMPTZ(3),
    "status" "ConnectionStatus" NOT NULL DEFAULT 'active',
    "authorized_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "meetings_read_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(3),
    "backoff_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "zoom_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "zoom_hosted_meetings" (
    "zoom_connection_id" UUID NOT NULL,
    "meeting_id" TEXT NOT NULL,
    "seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "zoom_hosted_meetings_pkey" PRIMARY KEY ("zoom_connection_id","meeting_id")
);

-- CreateTable
CREATE TABLE "zoom_oauth_states" (
    "state" VARCHAR(64) NOT NULL,
    "user_id" UUID NOT NULL,
    "browser_binding" VARCHAR(64) NOT NULL,
    "code_verifier" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "zoom_oauth_states_pkey" PRIMARY KEY ("state")
);

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE INDEX "connections_user_id_idx" ON "connections"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "connections_provider_account_id_key" ON "connections"("provider", "account_id");

-- CreateIndex
CREATE UNIQUE INDEX "calendars_connection_id_provider_calendar_id_key" ON "calendars"("connection_id", "provider_calendar_id");

-- CreateIndex
CREATE INDEX "push_channels_external_id_idx" ON "push_channels"("external_id");

-- CreateIndex
CREATE UNIQUE INDEX "push_channels_connection_id_external_id_key" ON "push_channels"("connection_id", "external_id");

-- CreateIndex
CREATE INDEX "push_receipts_received_at_idx" ON "push_receipts"("received_at");

-- CreateIndex
CREATE INDEX "meetings_user_id_start_idx" ON "meetings"("user_id", "start");

-- CreateIndex
CREATE INDEX "meetings_state_start_idx" ON "meetings"("state", "start");

-- CreateIndex
CREATE INDEX "meetings_next_check_at_id_idx" ON "meetings"("next_check_at", "id");

-- CreateIndex
CREATE INDEX "meetings_zoom_meeting_id_idx" ON "meetings"("zoom_meeting_id");

-- CreateIndex
CREATE UNIQUE INDEX "meetings_calendar_id_provider_event_id_key" ON "meetings"("calendar_id", "provider_event_id");

-- CreateIndex
CREATE UNIQUE INDEX "attendees_meeting_id_email_key" ON "attendees"("meeting_id", "email");

-- CreateIndex
CREATE UNIQUE INDEX "evidence_meeting_id_kind_source_key_key" ON "evidence"("meeting_id", "kind", "source_key");

-- CreateIndex
CREATE UNIQUE INDEX "state_transitions_meeting_id_from_state_to_state_key" ON "state_transitions"("meeting_id", "from_state", "to_state");

-- CreateIndex
CREATE UNIQUE INDEX "alerts_idempotency_key_key" ON "alerts"("idempotency_key");

-- CreateIndex
CREATE INDEX "alerts_user_id_created_at_idx" ON "alerts"("user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "push_subscriptions_endpoint_key" ON "push_subscriptions"("endpoint");

-- CreateIndex
CREATE INDEX "push_subscriptions_user_id_idx" ON "push_subscriptions"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "alert_deliveries_alert_id_channel_key" ON "alert_deliveries"("alert_id", "channel");

-- CreateIndex
CREATE UNIQUE INDEX "recovery_cases_meeting_id_key" ON "recovery_cases"("meeting_id");

-- CreateIndex
CREATE INDEX "recovery_cases_user_id_status_idx" ON "recovery_cases"("user_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "tasks_idempotency_key_key" ON "tasks"("idempotency_key");

-- CreateIndex
CREATE INDEX "tasks_claim_queued_idx" ON "tasks"("status", "priority" DESC, "due_at");

-- CreateIndex
CREATE INDEX "tasks_claim_expired_idx" ON "tasks"("status", "locked_until");

-- CreateIndex
CREATE INDEX "tasks_case_id_idx" ON "tasks"("case_id");

-- CreateIndex
CREATE UNIQUE INDEX "drafts_idempotency_key_key" ON "drafts"("idempotency_key");

-- CreateIndex
CREATE INDEX "drafts_user_id_status_idx" ON "drafts"("user_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "contact_notes_user_id_email_key" ON "contact_notes"("user_id", "email");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_messages_idempotency_key_key" ON "outbox_messages"("idempotency_key");

-- CreateIndex
CREATE INDEX "outbox_messages_user_id_created_at_idx" ON "outbox_messages"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "sandbox_events_connection_id_version_idx" ON "sandbox_events"("connection_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "zoom_connections_user_id_key" ON "zoom_connections"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "zoom_connections_zoom_user_id_key" ON "zoom_connections"("zoom_user_id");

-- AddForeignKey
ALTER TABLE "settings" ADD CONSTRAINT "settings_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connections" ADD CONSTRAINT "connections_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "calendars" ADD CONSTRAINT "calendars_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_channels" ADD CONSTRAINT "push_channels_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_receipts" ADD CONSTRAINT "push_receipts_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "push_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_calendar_id_fkey" FOREIGN KEY ("calendar_id") REFERENCES "calendars"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attendees" ADD CONSTRAINT "attendees_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "state_transitions" ADD CONSTRAINT "state_transitions_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_subscriptions" ADD CONSTRAINT "push_subscriptions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "web_push_sends" ADD CONSTRAINT "web_push_sends_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "web_push_sends" ADD CONSTRAINT "web_push_sends_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "push_subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recovery_cases" ADD CONSTRAINT "recovery_cases_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recovery_cases" ADD CONSTRAINT "recovery_cases_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recovery_cases" ADD CONSTRAINT "recovery_cases_rescheduled_meeting_id_fkey" FOREIGN KEY ("rescheduled_meeting_id") REFERENCES "meetings"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "recovery_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "recovery_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contact_notes" ADD CONSTRAINT "contact_notes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sandbox_events" ADD CONSTRAINT "sandbox_events_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "zoom_connections" ADD CONSTRAINT "zoom_connections_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "zoom_hosted_meetings" ADD CONSTRAINT "zoom_hosted_meetings_zoom_connection_id_fkey" FOREIGN KEY ("zoom_connection_id") REFERENCES "zoom_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
