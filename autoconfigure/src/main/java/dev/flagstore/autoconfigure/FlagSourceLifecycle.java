package dev.flagstore.autoconfigure;

import dev.flagstore.source.FlagSourceRunner;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Starts the flag source once every bean of the context exists (the store among them), before the web server
 * takes requests, and closes it when the context closes, before {@link DataStoreShutdown} closes the store.
 *
 * <p>The phase is above {@link DataStoreShutdown#PHASE} (so this stops first) and below the web server's (so the
 * source starts loading before the first request). As for the store, only a close closes the source: a source
 * cannot start twice, so {@code context.stop()} followed by {@code start()} leaves it running and feeding the
 * store; {@link ContextClosedEvent}, published before the lifecycle beans stop, tells a close from a stop. When no
 * stop comes (a refresh that fails after the source started), {@link #destroy()} closes it; the runner's
 * {@code close()} is idempotent, and the runner bean depends on the store bean, so it is destroyed first.
 */
final class FlagSourceLifecycle implements SmartLifecycle, ApplicationListener<ContextClosedEvent>,
		ApplicationContextAware, DisposableBean {

	/** Stops before {@link DataStoreShutdown} (which closes the store), starts before the web server. */
	static final int PHASE = DataStoreShutdown.PHASE + 1024;

	private final FlagSourceRunner runner;

	private @Nullable ApplicationContext applicationContext;

	private volatile boolean running;

	private volatile boolean closing;

	FlagSourceLifecycle(FlagSourceRunner runner) {
		this.runner = runner;
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() == this.applicationContext) {
			this.closing = true;
		}
	}

	@Override
	public boolean supportsAsyncExecution() {
		return false;
	}

	/** Starts the source the first time; later starts (after a stop) find it running. */
	@Override
	public void start() {
		this.runner.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.closing) {
			this.runner.close();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void destroy() {
		this.runner.close();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
