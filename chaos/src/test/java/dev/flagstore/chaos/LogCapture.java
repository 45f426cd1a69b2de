package dev.flagstore.chaos;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * Watches every log line of the JVM (all loggers, from {@code DEBUG} up while started) as the text an appender
 * would write — the formatted message plus each exception of its cause chain ({@code class: message}) — and keeps
 * the lines that contain a secret (and a count of all lines), so that a long run does not fill the heap.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

	private final List<String> lines = new ArrayList<>();

	private final String secret;

	private final java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();

	private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

	private final Level previousLevel;

	/** Loggers configured with a level of their own (logback-test.xml), and that level, to restore on close. */
	private final java.util.Map<Logger, Level> configured = new java.util.LinkedHashMap<>();

	private LogCapture(String secret) {
		this.secret = secret;
		this.previousLevel = this.root.getLevel();
	}

	/** Starts capturing, with the root level lowered to {@code DEBUG} so nothing the libraries say escapes. */
	static LogCapture begin(String secret) {
		LogCapture capture = new LogCapture(secret);
		capture.setContext(capture.root.getLoggerContext());
		capture.setName("chaos-capture");
		capture.start();
		capture.root.addAppender(capture);
		capture.root.setLevel(Level.DEBUG);
		for (Logger logger : capture.root.getLoggerContext().getLoggerList()) {
			Level level = logger.getLevel();
			if (logger != capture.root && level != null && level.isGreaterOrEqual(Level.INFO)) {
				capture.configured.put(logger, level);
				logger.setLevel(Level.DEBUG);
			}
		}
		return capture;
	}

	@Override
	protected void append(ILoggingEvent event) {
		StringBuilder line = new StringBuilder();
		line.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ")
			.append(event.getFormattedMessage());
		IThrowableProxy proxy = event.getThrowableProxy();
		int depth = 0;
		while (proxy != null && depth++ < 10) {
			line.append(" | ").append(proxy.getClassName()).append(": ").append(proxy.getMessage());
			proxy = proxy.getCause();
		}
		this.seen.incrementAndGet();
		if (line.indexOf(this.secret) >= 0) {
			synchronized (this.lines) {
				this.lines.add(line.toString());
			}
		}
	}

	/** How many log lines were written while capturing. */
	long lineCount() {
		return this.seen.get();
	}

	/** The lines that contained the secret. */
	List<String> lines() {
		synchronized (this.lines) {
			return List.copyOf(this.lines);
		}
	}

	@Override
	public void close() {
		this.root.detachAppender(this);
		this.root.setLevel(this.previousLevel);
		this.configured.forEach(Logger::setLevel);
		stop();
	}

}
