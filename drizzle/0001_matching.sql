CREATE TABLE "alert_anchors" (
	"term" text NOT NULL,
	"alert_id" uuid NOT NULL,
	"filter" text[] NOT NULL,
	CONSTRAINT "alert_anchors_term_alert_id_pk" PRIMARY KEY("term","alert_id")
);
--> statement-breakpoint
CREATE TABLE "matches" (
	"alert_id" uuid NOT NULL,
	"posting_id" text NOT NULL,
	"matched_at" timestamp with time zone NOT NULL,
	"reasons" jsonb NOT NULL,
	CONSTRAINT "matches_alert_id_posting_id_pk" PRIMARY KEY("alert_id","posting_id")
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
ALTER TABLE "alerts" ADD COLUMN "compiled" jsonb;--> statement-breakpoint
ALTER TABLE "alert_anchors" ADD CONSTRAINT "alert_anchors_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_posting_id_postings_id_fk" FOREIGN KEY ("posting_id") REFERENCES "public"."postings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_anchors_alert_id_idx" ON "alert_anchors" USING btree ("alert_id");--> statement-breakpoint
CREATE INDEX "matches_posting_id_idx" ON "matches" USING btree ("posting_id");--> statement-breakpoint
CREATE INDEX "postings_published_at_idx" ON "postings" USING btree ("published_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_received_at_idx" ON "webhook_deliveries" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "alerts_uncompiled_idx" ON "alerts" USING btree ("id") WHERE "alerts"."compiled" is null;