package org.bulkfhir.store.write;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.fhir.FhirIds;
import org.bulkfhir.core.fhir.JsonResourceCheck;
import org.bulkfhir.core.json.StampTemplate;
import org.bulkfhir.store.InvalidResourceException;
import org.bulkfhir.core.search.index.JsonIndexer;
import org.bulkfhir.core.search.index.ResourceIndex;
import org.bulkfhir.core.search.index.SearchParamExtractor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Turns raw resource JSON into a {@link Write}: parses it once into a JSON tree, checks it as
 * HAPI's parser would (the resourceType exists in R4, values are well-formed; {@link
 * JsonResourceCheck}), checks the id, and extracts the index from the tree ({@link JsonIndexer}).
 * No HAPI model is built, except for the few types whose search paths need one. This is the
 * expensive part of a write and runs outside the write lock, on as many threads as the caller
 * likes.
 */
public final class ResourcePreparer {
    private final JsonIndexer indexer;
    private final JsonResourceCheck check = new JsonResourceCheck();

    public ResourcePreparer(SearchParamExtractor extractor) {
        this.indexer = new JsonIndexer(extractor);
    }

    public ResourcePreparer() {
        this(new SearchParamExtractor());
    }

    /** A create under a new server-assigned id; any id in the JSON is ignored (FHIR create). */
    public Write prepareCreate(String expectedType, byte[] json) {
        StampTemplate.Read read = parse(json, expectedType);
        return prepared(Write.Kind.CREATE, read, UUID.randomUUID().toString(), json);
    }

    /**
     * A create-or-update under {@code id}; when {@code id} is null the JSON's own id is used and
     * must be present.
     */
    public Write prepareUpsert(String expectedType, String id, byte[] json) {
        StampTemplate.Read read = parse(json, expectedType);
        JsonNode tree = read.tree();
        JsonNode idNode = tree.get("id");
        String ownId = idNode != null && idNode.isValueNode() && !idNode.isNull()
                ? new IdType(idNode.asText()).getIdPart() : null;
        if (id == null) {
            if (ownId == null) {
                throw new InvalidResourceException("the " + type(tree) + " has no id");
            }
            id = ownId;
        } else if (ownId != null && !ownId.equals(id)) {
            throw new InvalidResourceException("the resource id '" + ownId + "' does not match the id '" + id
                    + "' in the URL");
        }
        return prepared(Write.Kind.UPSERT, read, id, json);
    }

    public static void checkId(String id) {
        if (!FhirIds.isValid(id)) {
            throw new InvalidResourceException("'" + id + "' is not a valid FHIR id (1-64 of A-Z a-z 0-9 - .)");
        }
    }

    public static boolean isResourceType(String type) {
        return type != null && Fhir.r4().getResourceTypes().contains(type);
    }

    private Write prepared(Write.Kind kind, StampTemplate.Read read, String id, byte[] json) {
        checkId(id);
        JsonNode tree = read.tree();
        String type = type(tree);
        ResourceIndex index = indexer.index(tree, type, id, () -> model(json));
        StampTemplate body;
        try {
            body = read.template(id);
        } catch (IOException e) {
            throw new InvalidResourceException("not a valid FHIR R4 JSON resource: " + e.getMessage(), e);
        }
        return new Write(kind, type, id, body, index, groupMembers(type, tree));
    }

    private static String type(JsonNode tree) {
        return tree.get("resourceType").asText();
    }

    private static List<Write.Member> groupMembers(String type, JsonNode group) {
        JsonNode members = group.get("member");
        if (!type.equals("Group") || members == null || !members.isArray()) {
            return List.of();
        }
        List<Write.Member> found = new ArrayList<>();
        for (JsonNode member : members) {
            JsonNode entity = member.get("entity");
            JsonNode reference = entity == null ? null : entity.get("reference");
            JsonNode inactive = member.get("inactive");
            if ((inactive != null && inactive.asBoolean()) || reference == null || !reference.isTextual()) {
                continue;
            }
            String ref = reference.asText();
            int slash = ref.indexOf('/');
            if (slash > 0 && ref.indexOf('/', slash + 1) < 0) {
                found.add(new Write.Member(ref.substring(0, slash), ref.substring(slash + 1)));
            }
        }
        return found;
    }

    /** A resource read once, that passed the check; its type is the expected one when given. */
    private StampTemplate.Read parse(byte[] json, String expectedType) {
        StampTemplate.Read read;
        try {
            read = StampTemplate.read(json);
        } catch (JsonProcessingException e) {
            throw new InvalidResourceException("not a valid FHIR R4 JSON resource: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidResourceException("not a valid FHIR R4 JSON resource: " + e.getMessage(), e);
        }
        String type;
        try {
            type = check.check(read.tree());
        } catch (JsonResourceCheck.InvalidResource e) {
            throw new InvalidResourceException("not a valid FHIR R4 JSON resource: " + e.getMessage(), e);
        }
        if (expectedType != null && !expectedType.equals(type)) {
            throw new InvalidResourceException("expected a " + expectedType + " but the body is a " + type);
        }
        return read;
    }

    /** The HAPI model, for the types {@link JsonIndexer} cannot index from JSON alone. */
    private static Resource model(byte[] json) {
        IBaseResource parsed;
        try {
            IParser parser = Fhir.r4().newJsonParser();
            // Unknown elements are tolerated (real data carries them); invalid values are not.
            LenientErrorHandler handler = new LenientErrorHandler(false);
            handler.setErrorOnInvalidValue(true);
            parser.setParserErrorHandler(handler);
            parsed = parser.parseResource(new String(json, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new InvalidResourceException("not a valid FHIR R4 JSON resource: " + conciseMessage(e), e);
        }
        if (!(parsed instanceof Resource resource)) {
            throw new InvalidResourceException("not a FHIR R4 resource");
        }
        return resource;
    }

    private static String conciseMessage(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // HAPI prefixes its messages with an internal code such as "HAPI-1838: ".
        message = message.replaceFirst("^HAPI-\\d+: ", "");
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }
}
