-- An SOP version is loaded first (a draft nobody starts on), then published: new cases start
-- on the version of their SOP published last, while open cases keep the version they started
-- on. Retiring an SOP stamps every version of it: no new cases until a version is published
-- again. Every version loaded before this migration was running, so it counts as published.
alter table sop_versions add column published_at bigint;
alter table sop_versions add column retired_at bigint;
update sop_versions set published_at = loaded_at;
