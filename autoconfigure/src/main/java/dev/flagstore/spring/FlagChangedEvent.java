package dev.flagstore.spring;

import dev.flagstore.changes.FlagChange;

import org.springframework.context.ApplicationEvent;
import org.springframework.util.Assert;

/**
 * Published through the application context for every change of a store item ({@link FlagChange}): this
 * instance's applied writes, the items an {@code init} added, removed or changed, and their dependents.
 *
 * <p>Events are published on a flagstore worker thread, one at a time and in the order the changes happened; a
 * listener that takes long delays only later events, never the store. Usable in SpEL conditions, for example
 * {@code @EventListener(condition = "#event.change.key == 'checkout'")}.
 */
public class FlagChangedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient FlagChange change;

	/**
	 * Creates an event.
	 * @param source the object that published the event (the flag tracker); not {@code null}
	 * @param change the change; not {@code null}
	 */
	public FlagChangedEvent(Object source, FlagChange change) {
		super(source);
		Assert.notNull(change, "'change' must not be null");
		this.change = change;
	}

	/**
	 * The change.
	 * @return the change, never {@code null}
	 */
	public FlagChange getChange() {
		return this.change;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "{change=" + this.change + "}";
	}

}
