package dev.flagstore.autoconfigure;

import java.util.Locale;

import dev.flagstore.autoconfigure.FlagstoreProperties.StoreType;

import org.springframework.util.Assert;

/**
 * Thrown at start-up when {@code flagstore.store.type} selects a persistent store whose dependency is missing: a
 * class (Spring Data Redis, Spring JDBC) or a bean (a single {@code RedisConnectionFactory} or {@code DataSource}).
 * {@link MissingStoreDependencyFailureAnalyzer} turns it into a report that names the property, its value, what is
 * missing and how to fix it.
 */
public class MissingStoreDependencyException extends RuntimeException {

	/** The property whose value asked for the store. */
	public static final String PROPERTY = "flagstore.store.type";

	private static final long serialVersionUID = 1L;

	private final StoreType storeType;

	private final String missingDependency;

	private final String action;

	/**
	 * Creates an exception.
	 * @param storeType the store type that was selected; not {@code null}
	 * @param missingDependency what is missing, for example
	 * {@code "class org.springframework.data.redis.connection.RedisConnectionFactory"}; not {@code null}
	 * @param reason why the store cannot be configured, in a sentence that completes
	 * {@code "flagstore.store.type=redis, but "}; not {@code null}
	 * @param action what the user should change; not {@code null}
	 */
	public MissingStoreDependencyException(StoreType storeType, String missingDependency, String reason,
			String action) {
		super(PROPERTY + "=" + value(storeType) + ", but " + reason);
		Assert.notNull(missingDependency, "'missingDependency' must not be null");
		Assert.notNull(action, "'action' must not be null");
		this.storeType = storeType;
		this.missingDependency = missingDependency;
		this.action = action;
	}

	private static String value(StoreType storeType) {
		Assert.notNull(storeType, "'storeType' must not be null");
		return storeType.name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The store type that was selected.
	 * @return the store type, never {@code null}
	 */
	public StoreType getStoreType() {
		return this.storeType;
	}

	/**
	 * What is missing: a class or a bean.
	 * @return a description of the missing class or bean, never {@code null}
	 */
	public String getMissingDependency() {
		return this.missingDependency;
	}

	/**
	 * What the user should change to make start-up succeed.
	 * @return the action, never {@code null}
	 */
	public String getAction() {
		return this.action;
	}

}
