package dev.flagstore.spring;

import dev.flagstore.status.DataStoreStatus;

import org.springframework.context.ApplicationEvent;
import org.springframework.util.Assert;

/**
 * Published through the application context when the data store's status changes, that is when
 * {@link DataStoreStatus#isAvailable() available} or {@link DataStoreStatus#isRefreshNeeded() refreshNeeded}
 * changes.
 *
 * <p>Events are published on a flagstore worker thread, one change at a time and in the order the changes
 * happened; a listener that takes long delays only later events, never the store. Usable in SpEL conditions, for
 * example {@code @EventListener(condition = "!#event.status.available")}.
 */
public class DataStoreStatusChangedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient DataStoreStatus status;

	private final transient DataStoreStatus previousStatus;

	/**
	 * Creates an event.
	 * @param source the object that published the event (the status provider); not {@code null}
	 * @param status the new status; not {@code null}
	 * @param previousStatus the status before the change; not {@code null}
	 */
	public DataStoreStatusChangedEvent(Object source, DataStoreStatus status, DataStoreStatus previousStatus) {
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
	public DataStoreStatus getStatus() {
		return this.status;
	}

	/**
	 * The status before the change: the last status published, or the store's initial status for the first event.
	 * @return the previous status, never {@code null}
	 */
	public DataStoreStatus getPreviousStatus() {
		return this.previousStatus;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "{status=" + this.status + ", previousStatus=" + this.previousStatus
				+ "}";
	}

}
