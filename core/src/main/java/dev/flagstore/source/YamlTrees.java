package dev.flagstore.source;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads YAML flag files. Its own class so that jackson-dataformat-yaml, an optional dependency, is loaded only
 * when a YAML file is configured.
 */
final class YamlTrees {

	/** The class whose presence tells that YAML can be read. */
	static final String MAPPER_CLASS = "tools.jackson.dataformat.yaml.YAMLMapper";

	private static final YAMLMapper YAML = YAMLMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private YamlTrees() {
	}

	static JsonNode read(byte[] bytes) {
		return YAML.readTree(bytes);
	}

	static boolean isAvailable(ClassLoader classLoader) {
		try {
			Class.forName(MAPPER_CLASS, false, classLoader);
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

}
