CREATE TABLE "alert_anchors" (
	"term" text NOT NULL,
	"alert_id" uuid NOT NULL,
	"filter" text[] NOT NULL,
	CONSTRAINT "alert_anchors_term_alert_id_pk" PRIMARY KEY("term","alert_id")
);
--> statement-breakpoint
CREATE TABLE "job_state" (
	"name" text PRIMARY KEY NOT NULL,
	"locked_until" timestamp with time zone,
	"last_started_at" timestamp with time zone,
	"last_finished_at" timestamp with time zone,
	"last_duration_ms" integer,
	"last_ok" boolean,
	"runs" integer NOT NULL,
	"failures" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "matches" (
	"alert_id" uuid NOT NULL,
	"posting_id" text NOT NULL,
	"matched_at" timestamp with time zone NOT NULL,
	"mailed_at" timestamp with time zone,
	"reasons" jsonb NOT NULL,
	CONSTRAINT "matches_alert_id_posting_id_pk" PRIMARY KEY("alert_id","posting_id")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"alert_id" uuid,
	"template" text NOT NULL,
	"batch_key" text NOT NULL,
	"payload" text,
	"status" text NOT NULL,
	"attempts" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"provider_id" text,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "metric_counters" (
	"name" text NOT NULL,
	"labels" text NOT NULL,
	"value" bigint NOT NULL,
	CONSTRAINT "metric_counters_name_labels_pk" PRIMARY KEY("name","labels")
);
--> statement-breakpoint
CREATE TABLE "postings" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"employer" text,
	"url" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"deadline" timestamp with time zone,
	"municipalities" text[] NOT NULL,
	"regions" text[] NOT NULL,
	"occupations" text[] NOT NULL,
	"employment_type" text,
	"working_time" text,
	"remote" text,
	"language" text,
	"received_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"withdrawn_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "rate_counters" (
	"key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"hits" integer NOT NULL,
	CONSTRAINT "rate_counters_key_window_start_pk" PRIMARY KEY("key","window_start")
);
--> statement-breakpoint
CREATE TABLE "rate_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "rate_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"key" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "term_stats" (
	"term" text PRIMARY KEY NOT NULL,
	"postings" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"response" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "last_digest_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "reminded_for" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "compiled" jsonb;--> statement-breakpoint
ALTER TABLE "alert_anchors" ADD CONSTRAINT "alert_anchors_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_posting_id_postings_id_fk" FOREIGN KEY ("posting_id") REFERENCES "public"."postings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_anchors_alert_id_idx" ON "alert_anchors" USING btree ("alert_id");--> statement-breakpoint
CREATE INDEX "matches_posting_id_idx" ON "matches" USING btree ("posting_id");--> statement-breakpoint
CREATE INDEX "messages_due_idx" ON "messages" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "messages_batch_key_idx" ON "messages" USING btree ("batch_key");--> statement-breakpoint
CREATE INDEX "messages_alert_id_idx" ON "messages" USING btree ("alert_id");--> statement-breakpoint
CREATE INDEX "postings_published_at_idx" ON "postings" USING btree ("published_at");--> statement-breakpoint
CREATE INDEX "rate_events_key_at_idx" ON "rate_events" USING btree ("key","at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_received_at_idx" ON "webhook_deliveries" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "alerts_uncompiled_idx" ON "alerts" USING btree ("id") WHERE "alerts"."compiled" is null;