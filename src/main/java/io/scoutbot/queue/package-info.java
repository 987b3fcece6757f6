/**
 * The durable upload queue: jobs in the database before anyone is told anything, leases with
 * heartbeats, retries with backoff, priority under pressure with aging, per-user limits, and claims
 * shared by several processes on PostgreSQL.
 *
 * <h2>Why a small JDBC queue and not db-scheduler</h2>
 *
 * db-scheduler 16.12.0 (verified in java-stack.md §6) brings SKIP LOCKED claims, heartbeats, dead
 * execution detection and backoff, but its claim is one fixed query ({@code picked = false AND
 * execution_time <= now}, ordered by a priority column and the execution time) with no hook for a
 * predicate or an order of our own. This queue needs exactly those, at claim time:
 *
 * <ul>
 *   <li>an order that changes with host pressure (smallest first only while under pressure) plus
 *       aging; db-scheduler's priority is fixed when a task instance is scheduled, so both would
 *       mean rewriting rows as pressure and age change;
 *   <li>node affinity for local-file jobs (only a task name per node could fake it);
 *   <li>a per-user running limit, a count over other rows of the same owner;
 *   <li>per-user submission limits, counted and summed in SQL over owner and size; db-scheduler
 *       keeps task data as one serialized blob;
 *   <li>a job history users see (states, attempts, last error, progress, the stored file's code);
 *       db-scheduler deletes a one-time execution when it completes, so a second table would have
 *       to be kept in step outside its transactions.
 * </ul>
 *
 * What we would have kept from it (a SKIP LOCKED claim, leases, heartbeats, backoff) is a few
 * hundred lines here, in one table documented as DDL ({@code db/migration/V2__queue.sql}). See
 * docs/queue.md.
 */
package io.scoutbot.queue;
