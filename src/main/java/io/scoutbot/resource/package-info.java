/**
 * Keeps heavy work within the host's means: probes, the pressure monitor, the throttle gate, adaptive
 * concurrency, the memory budget and the GC-after-upload policy.
 */
package io.scoutbot.resource;
