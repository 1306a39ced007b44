-- An incident's source key leads with the external id instead of the channel. A bulk import
-- rebuilds this index by sorting every key; sorting on the column that tells rows apart is
-- about twice as fast as sorting on the channel, which a batch shares. Lookups by
-- (channel, organisation, external id) use the index as before.
DROP INDEX incidents_external_id;
CREATE UNIQUE INDEX incidents_external_id ON incidents (external_id, source_org, channel)
    WHERE external_id IS NOT NULL;
