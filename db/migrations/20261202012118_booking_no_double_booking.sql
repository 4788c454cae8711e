-- BOOK-3: a host's held time can never overlap another of their holds, buffers included,
-- whatever requests race. Released holds (cancelled, rescheduled bookings) no longer count.
ALTER TABLE "booking_holds" ADD CONSTRAINT "booking_holds_no_overlap"
  EXCLUDE USING gist ("workspace_id" WITH =, "host_user_id" WITH =, tstzrange("blocks_from", "blocks_until", '[)') WITH &&)
  WHERE ("released_at" IS NULL);
