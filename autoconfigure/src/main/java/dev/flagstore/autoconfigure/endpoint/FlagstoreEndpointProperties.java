package dev.flagstore.autoconfigure.endpoint;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the Actuator endpoint {@code flagstore} (prefix {@code flagstore.endpoint}). Whether the endpoint is
 * on and exposed is Spring Boot's business: {@code management.endpoint.flagstore.access} and
 * {@code management.endpoints.web.exposure.include}.
 */
@ConfigurationProperties("flagstore.endpoint")
public class FlagstoreEndpointProperties {

	private final Write write = new Write();

	/**
	 * Writes through the endpoint.
	 * @return the write settings
	 */
	public Write getWrite() {
		return this.write;
	}

	/** Writes through the endpoint ({@code POST} and {@code DELETE} of an item). */
	public static class Write {

		/**
		 * Whether POST and DELETE of /actuator/flagstore/{kind}/{key} write through the data store. Off by default;
		 * secure the endpoint before turning it on.
		 */
		private boolean enabled;

		/**
		 * Whether writes are on.
		 * @return whether writes are on
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		/**
		 * Turns writes on or off.
		 * @param enabled whether writes are on
		 */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
