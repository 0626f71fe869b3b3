CREATE TABLE "data_arrivals" (
	"source" text NOT NULL,
	"entity" text NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "data_arrivals_source_entity_pk" PRIMARY KEY("source","entity")
);
