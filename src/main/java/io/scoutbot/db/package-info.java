/** The relational database: connection pool, dialect (SQLite or PostgreSQL) and schema migrations. */
package io.scoutbot.db;
