// Package analytics turns a site's daily counters into the owner's report:
// page views and approved comments per day over 7, 30 or 90 days, the top
// pages by each, drawn as server-side SVG charts and offered as CSV.
//
// It reads only the aggregate counters of page_views_daily (site, page,
// day, views) and comment rows' site, page, status and creation time
// (promise P6). It must never read, compute or show anything about a
// visitor: no IP, no user agent, no session, no per-visitor counts, and it
// must never add such data to what Parley records in order to measure more.
//
// The handlers do no authentication or authorization: the dashboard that
// mounts them checks that the signed-in account may see the site first.
// The charts need no JavaScript and no chart library.
package analytics
