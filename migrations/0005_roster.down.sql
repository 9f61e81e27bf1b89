-- 0005_roster: undoes 0005_roster.up.sql exactly.

DROP TABLE roster_requests;
DROP TABLE roster_versions;
DROP INDEX roster_groups_name;
DROP TABLE roster_groups;
DROP TABLE roster_items;
