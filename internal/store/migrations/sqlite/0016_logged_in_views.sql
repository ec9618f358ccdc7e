-- 0016 exists so that analytics can show the share of page views made by
-- signed-in visitors (issue 10, analytics): each daily counter also counts
-- the views whose thread request carried a valid session. It is a number
-- per page and day like views, never who viewed (promise P6).
ALTER TABLE page_views_daily ADD COLUMN logged_in_views INTEGER NOT NULL DEFAULT 0;

-- The analytics sum a site's counters over up to 90 days: an index holding
-- the counts answers them without reading the table (a 90-day report of a
-- site with 10,000 pages, see BenchmarkReport90Days). It serves the
-- lookups by site and day that page_views_site_day did.
CREATE INDEX page_views_site_day_counts ON page_views_daily (site_id, day, page_id, views, logged_in_views);
DROP INDEX page_views_site_day;
