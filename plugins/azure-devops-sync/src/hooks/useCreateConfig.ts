import { useApi } from '@backstage/core-plugin-api';
import type {
  ChoiceMapperField,
  CreateWorkItemConfig,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useCallback, useEffect, useState } from 'react';
import { azureDevOpsSyncApiRef } from '../api';
import { errorStatus } from '../utils/errors';

/** The create form's choices; `fallback` when the backend has no create-config route. */
export interface CreateConfigState {
  config?: CreateWorkItemConfig & { fallback?: boolean };
  loading: boolean;
  error?: Error;
  /** Fetches the work item types of a project the config has none for yet. */
  loadTypes: (project: string) => Promise<void>;
  /** Why the types of a project could not be loaded, by project id. */
  typeErrors: Record<string, Error>;
}

/**
 * Loads `GET /organizations/:id/create-config`, which answers with the types
 * of the default project only; `loadTypes` adds another project's types.
 *
 * A backend without that route (404) still lets users create work items: the
 * projects come from the org config's mapper field and the type is free text,
 * defaulting to "Bug".
 */
export function useCreateConfig(
  organizationId: string,
  entityRef: string,
): CreateConfigState {
  const api = useApi(azureDevOpsSyncApiRef);
  const [config, setConfig] = useState<CreateConfigState['config']>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();
  const [typeErrors, setTypeErrors] = useState<Record<string, Error>>({});

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    setConfig(undefined);
    setError(undefined);
    (async () => {
      try {
        return await api.getCreateConfig(organizationId, entityRef);
      } catch (e) {
        if (errorStatus(e) !== 404) {
          throw e;
        }
        const orgConfig = await api.getOrganizationConfig(organizationId);
        const mapper = orgConfig.fields.find(
          (f): f is ChoiceMapperField => f.type === 'choice_mapper',
        );
        const projects = mapper?.addDropdown.items ?? [];
        return {
          projects,
          workItemTypes: {},
          defaults: { project: projects[0]?.value, workItemType: 'Bug' },
          fallback: true,
        };
      }
    })().then(
      value => {
        if (!cancelled) {
          setConfig(value);
          setLoading(false);
        }
      },
      e => {
        if (!cancelled) {
          setError(e);
          setLoading(false);
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, organizationId, entityRef]);

  const loadTypes = useCallback(
    async (project: string) => {
      try {
        const next = await api.getCreateConfig(organizationId, entityRef, {
          project,
        });
        setConfig(current =>
          current
            ? {
                ...current,
                workItemTypes: {
                  ...current.workItemTypes,
                  [project]: next.workItemTypes[project] ?? [],
                },
              }
            : current,
        );
      } catch (e) {
        setTypeErrors(current => ({ ...current, [project]: e as Error }));
      }
    },
    [api, organizationId, entityRef],
  );

  return { config, loading, error, loadTypes, typeErrors };
}
