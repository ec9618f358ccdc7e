-- 0016 exists so that analytics can show the share of page views made by
-- signed-in visitors (issue 10, analytics): each daily counter also counts
-- the views whose thread request carried a valid session. It is a number
-- per page and day like views, never who viewed (promise P6).
ALTER TABLE page_views_daily ADD COLUMN logged_in_views INTEGER NOT NULL DEFAULT 0;
