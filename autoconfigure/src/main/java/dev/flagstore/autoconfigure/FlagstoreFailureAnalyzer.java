package dev.flagstore.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationErrors;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Explains a start-up failure caused by flagstore's configuration properties: a {@code flagstore.*} value that cannot be converted (an unknown word, a malformed duration), or a value or
 * combination rejected by {@link FlagstoreProperties}. The report names the property, its value and where it was
 * set, and the action says exactly what to change. Runs before Boot's generic binding analyzers.
 */
class FlagstoreFailureAnalyzer implements FailureAnalyzer, Ordered {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("flagstore");

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		BindValidationException validationFailure = findCause(failure, BindValidationException.class);
		if (validationFailure != null) {
			return PREFIX.equals(validationFailure.getValidationErrors().getName())
					? analyzeValidation(validationFailure) : null;
		}
		BindException bindFailure = findCause(failure, BindException.class);
		if (bindFailure != null && PREFIX.isAncestorOf(bindFailure.getName())) {
			return analyzeConversion(bindFailure);
		}
		return null;
	}

	private FailureAnalysis analyzeValidation(BindValidationException failure) {
		ValidationErrors errors = failure.getValidationErrors();
		StringBuilder description = new StringBuilder("Invalid flagstore configuration:");
		StringBuilder action = new StringBuilder();
		for (ObjectError error : errors) {
			if (error instanceof FieldError fieldError) {
				String name = "flagstore." + toKebabCase(fieldError.getField());
				ConfigurationProperty property = findBoundProperty(errors, name);
				Object value = SafeValues.forReport(name,
						(property != null) ? property.getValue() : fieldError.getRejectedValue());
				description.append(String.format("%n%n    Property: %s%n    Value: \"%s\"", name, value));
				Origin origin = (property != null) ? Origin.from(property) : Origin.from(fieldError);
				if (origin != null) {
					description.append(String.format("%n    Origin: %s", origin));
				}
			}
			else {
				description.append(String.format("%n"));
			}
			description.append(String.format("%n    Reason: %s", error.getDefaultMessage()));
			Object[] arguments = error.getArguments();
			if (arguments != null && arguments.length > 0) {
				action.append((action.length() > 0) ? String.format("%n") : "").append(arguments[0]);
			}
		}
		return new FailureAnalysis(description.toString(),
				(action.length() > 0) ? action.toString() : "Update the flagstore.* properties.", failure);
	}

	private @Nullable FailureAnalysis analyzeConversion(BindException failure) {
		String name = failure.getName().toString();
		ConfigurationProperty property = failure.getProperty();
		Class<?> type = failure.getTarget().getType().resolve(Object.class);
		String expected;
		if (type.isEnum()) {
			expected = "one of " + Arrays.stream(type.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.collect(Collectors.joining(", "));
		}
		else if (Duration.class.equals(type)) {
			expected = "a duration such as 500ms, 10s or 1m (a number without a unit means milliseconds)";
		}
		else {
			return null;
		}
		StringBuilder description = new StringBuilder(
				String.format("Invalid value for flagstore property '%s':%n", name));
		if (property != null) {
			description.append(String.format("%n    Property: %s%n    Value: \"%s\"", name,
					SafeValues.forReport(name, property.getValue())));
			if (property.getOrigin() != null) {
				description.append(String.format("%n    Origin: %s", property.getOrigin()));
			}
		}
		description.append(String.format("%n    Reason: it is not %s", expected));
		return new FailureAnalysis(description.toString(), String.format("Set %s to %s.", name, expected), failure);
	}

	private static @Nullable ConfigurationProperty findBoundProperty(ValidationErrors errors, String name) {
		for (ConfigurationProperty property : errors.getBoundProperties()) {
			if (property.getName().toString().equals(name)) {
				return property;
			}
		}
		return null;
	}

	/** {@code status.pollInterval} → {@code status.poll-interval}. */
	static String toKebabCase(String path) {
		StringBuilder kebab = new StringBuilder(path.length() + 4);
		for (char c : path.toCharArray()) {
			if (Character.isUpperCase(c)) {
				kebab.append('-').append(Character.toLowerCase(c));
			}
			else {
				kebab.append(c);
			}
		}
		return kebab.toString();
	}

	private static <E extends Throwable> @Nullable E findCause(@Nullable Throwable failure, Class<E> type) {
		Throwable candidate = failure;
		while (candidate != null) {
			if (type.isInstance(candidate)) {
				return type.cast(candidate);
			}
			candidate = candidate.getCause();
		}
		return null;
	}

}
