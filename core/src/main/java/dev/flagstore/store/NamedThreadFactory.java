package dev.flagstore.store;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads named {@code <prefix>-<n>}, so a thread dump tells which flagstore pool a thread belongs to.
 */
final class NamedThreadFactory implements ThreadFactory {

	private final String prefix;

	private final AtomicInteger count = new AtomicInteger();

	/** The threads it made that are still running. */
	private final java.util.Set<Thread> running = java.util.concurrent.ConcurrentHashMap.newKeySet();

	NamedThreadFactory(String prefix) {
		this.prefix = prefix;
	}

	@Override
	public Thread newThread(Runnable task) {
		Thread thread = new Thread(() -> {
			try {
				task.run();
			}
			finally {
				this.running.remove(Thread.currentThread());
			}
		}, this.prefix + "-" + this.count.incrementAndGet());
		thread.setDaemon(true);
		this.running.add(thread);
		return thread;
	}

	/** Whether {@code thread} is one of this factory's, still running. */
	boolean made(Thread thread) {
		return this.running.contains(thread);
	}

}
