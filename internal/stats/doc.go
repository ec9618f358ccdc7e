// Package stats counts page views for quotas and basic analytics.
//
// It must never record who viewed a page: no IP, no user agent, no
// fingerprint, no cookie (promise P6). A view is a site, a path and a day.
package stats
