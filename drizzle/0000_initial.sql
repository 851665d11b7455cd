CREATE TABLE "address_blocks" (
	"email_hash" text PRIMARY KEY NOT NULL,
	"blocked_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"alert_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"email_ciphertext" text NOT NULL,
	"email_hash" text NOT NULL,
	"criteria" jsonb NOT NULL,
	"label" text NOT NULL,
	"search_url" text,
	"locale" text NOT NULL,
	"frequency" text NOT NULL,
	"terms_version" text NOT NULL,
	"subscribed_at" timestamp with time zone NOT NULL,
	"confirmed_at" timestamp with time zone,
	"renewed_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "alerts_status_check" CHECK ("alerts"."status" in ('pending', 'active')),
	CONSTRAINT "alerts_confirmed_check" CHECK (("alerts"."status" = 'active') = ("alerts"."confirmed_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "alert_tokens" ADD CONSTRAINT "alert_tokens_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_tokens_alert_id_idx" ON "alert_tokens" USING btree ("alert_id");--> statement-breakpoint
CREATE INDEX "alerts_email_hash_idx" ON "alerts" USING btree ("email_hash");--> statement-breakpoint
CREATE INDEX "alerts_expires_at_idx" ON "alerts" USING btree ("expires_at");