package dev.flagstore.spring;

import dev.flagstore.source.FlagSourceStatus;

import org.springframework.context.ApplicationEvent;
import org.springframework.util.Assert;

/**
 * Published through the application context when the flag source's status changes: its state, or its last error.
 *
 * <p>Events are published one change at a time and in the order the changes happened, on a flagstore worker thread
 * (or, for the changes made while the context was starting, on the thread that starts it). Usable in SpEL
 * conditions, for example {@code @EventListener(condition = "#event.status.state.name() == 'INTERRUPTED'")}.
 */
public class FlagSourceStatusChangedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient FlagSourceStatus status;

	private final transient FlagSourceStatus previousStatus;

	/**
	 * Creates an event.
	 * @param source the object that published the event (the status provider); not {@code null}
	 * @param status the new status; not {@code null}
	 * @param previousStatus the status before the change; not {@code null}
	 */
	public FlagSourceStatusChangedEvent(Object source, FlagSourceStatus status, FlagSourceStatus previousStatus) {
		super(source);
		Assert.notNull(status, "'status' must not be null");
		Assert.notNull(previousStatus, "'previousStatus' must not be null");
		this.status = status;
		this.previousStatus = previousStatus;
	}

	/**
	 * The status after the change.
	 * @return the new status, never {@code null}
	 */
	public FlagSourceStatus getStatus() {
		return this.status;
	}

	/**
	 * The status before the change: the last status published, or the source's initial status for the first event.
	 * @return the previous status, never {@code null}
	 */
	public FlagSourceStatus getPreviousStatus() {
		return this.previousStatus;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "{status=" + this.status + ", previousStatus=" + this.previousStatus
				+ "}";
	}

}
