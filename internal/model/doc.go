// Package model holds Parley's plain domain types: sites, pages, comments,
// users and votes. It must never import SQL, HTTP or any other Parley
// package; wire formats live in the api package and storage in store.
package model
