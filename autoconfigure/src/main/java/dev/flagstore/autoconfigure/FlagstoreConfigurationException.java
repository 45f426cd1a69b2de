package dev.flagstore.autoconfigure;

/**
 * Thrown at start-up when flagstore cannot be configured as asked; {@link FlagstoreFailureAnalyzer} turns it into a
 * report with {@link #getAction() what to change}.
 */
public class FlagstoreConfigurationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String action;

	/**
	 * Creates an exception.
	 * @param description what is wrong, naming the property and its value
	 * @param action what the user should change
	 */
	public FlagstoreConfigurationException(String description, String action) {
		super(description);
		this.action = action;
	}

	/**
	 * What the user should change to make start-up succeed.
	 * @return the action, never {@code null}
	 */
	public String getAction() {
		return this.action;
	}

}
