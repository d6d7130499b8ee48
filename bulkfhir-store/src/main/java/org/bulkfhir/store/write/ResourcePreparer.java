package org.bulkfhir.store.write;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.bulkfhir.core.fhir.Fhir;
import org.bulkfhir.core.json.StampTemplate;
import org.bulkfhir.store.InvalidResourceException;
import org.bulkfhir.core.search.index.ResourceIndex;
import org.bulkfhir.core.search.index.SearchParamExtractor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Resource;

/**
 * Turns raw resource JSON into a {@link Write}: parses it once with HAPI (which checks that it
 * is JSON, that the resourceType exists in R4 and that values are well-formed), checks the id,
 * and extracts the index. This is the expensive part of a write and runs outside the write
 * lock, on as many threads as the caller likes.
 */
public final class ResourcePreparer {
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private final SearchParamExtractor extractor;

    public ResourcePreparer(SearchParamExtractor extractor) {
        this.extractor = extractor;
    }

    public ResourcePreparer() {
        this(new SearchParamExtractor());
    }

    /** A create under a new server-assigned id; any id in the JSON is ignored (FHIR create). */
    public Write prepareCreate(String expectedType, byte[] json) {
        Resource resource = parse(json, expectedType);
        return prepared(Write.Kind.CREATE, resource, UUID.randomUUID().toString(), json);
    }

    /**
     * A create-or-update under {@code id}; when {@code id} is null the JSON's own id is used and
     * must be present.
     */
    public Write prepareUpsert(String expectedType, String id, byte[] json) {
        Resource resource = parse(json, expectedType);
        String ownId = resource.getIdElement().getIdPart();
        if (id == null) {
            if (ownId == null) {
                throw new InvalidResourceException("the " + resource.fhirType() + " has no id");
            }
            id = ownId;
        } else if (ownId != null && !ownId.equals(id)) {
            throw new InvalidResourceException("the resource id '" + ownId + "' does not match the id '" + id
                    + "' in the URL");
        }
        return prepared(Write.Kind.UPSERT, resource, id, json);
    }

    public static void checkId(String id) {
        if (id == null || !FHIR_ID.matcher(id).matches()) {
            throw new InvalidResourceException("'" + id + "' is not a valid FHIR id (1-64 of A-Z a-z 0-9 - .)");
        }
    }

    public static boolean isResourceType(String type) {
        return type != null && Fhir.r4().getResourceTypes().contains(type);
    }

    private Write prepared(Write.Kind kind, Resource resource, String id, byte[] json) {
        checkId(id);
        String type = resource.fhirType();
        resource.setId(type + "/" + id);
        ResourceIndex index = extractor.extract(resource);
        return new Write(kind, type, id, StampTemplate.of(json, id), index, groupMembers(resource));
    }

    private static List<Write.Member> groupMembers(Resource resource) {
        if (!(resource instanceof Group group)) {
            return List.of();
        }
        List<Write.Member> members = new ArrayList<>();
        for (Group.GroupMemberComponent member : group.getMember()) {
            if (member.getInactive() || !member.hasEntity() || !member.getEntity().hasReference()) {
                continue;
            }
            String reference = member.getEntity().getReference();
            int slash = reference.indexOf('/');
            if (slash > 0 && reference.indexOf('/', slash + 1) < 0) {
                members.add(new Write.Member(reference.substring(0, slash), reference.substring(slash + 1)));
            }
        }
        return members;
    }

    private static Resource parse(byte[] json, String expectedType) {
        IBaseResource parsed;
        try {
            IParser parser = Fhir.r4().newJsonParser();
            // Unknown elements are tolerated (real data carries them); invalid values are not.
            LenientErrorHandler handler = new LenientErrorHandler(false);
            handler.setErrorOnInvalidValue(true);
            parser.setParserErrorHandler(handler);
            parsed = parser.parseResource(new String(json, StandardCharsets.UTF_8));
        } catch (DataFormatException e) {
            throw new InvalidResourceException("not a valid FHIR R4 JSON resource: " + conciseMessage(e), e);
        } catch (RuntimeException e) {
            throw new InvalidResourceException("not a valid FHIR R4 JSON resource: " + conciseMessage(e), e);
        }
        if (!(parsed instanceof Resource resource)) {
            throw new InvalidResourceException("not a FHIR R4 resource");
        }
        if (expectedType != null && !expectedType.equals(resource.fhirType())) {
            throw new InvalidResourceException("expected a " + expectedType + " but the body is a " + resource.fhirType());
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
