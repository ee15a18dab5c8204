import type { Entity } from '@backstage/catalog-model';
import {
  Content,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { TestErrorCard } from './TestErrorCard';

/** The component the README and the demo story start with. */
export const DEMO_COMPONENT = 'payments-api';
/** The Azure DevOps tab on a component page (the sync plugin's entity content). */
const ISSUES_TAB = 'azure-devops-issues';
const ADMIN_PAGE = '/azure-devops-sync';

function entityPath(entity: Entity): string {
  const namespace = entity.metadata.namespace ?? 'default';
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    entity.kind.toLowerCase(),
  )}/${encodeURIComponent(entity.metadata.name)}`;
}

function ComponentList(props: { components: Entity[] }) {
  return (
    <List dense disablePadding aria-label="Components">
      {props.components.map(entity => (
        <ListItem
          key={entity.metadata.uid ?? entity.metadata.name}
          disableGutters
        >
          <ListItemText
            primary={
              <>
                <Link to={entityPath(entity)}>
                  {entity.metadata.title ?? entity.metadata.name}
                </Link>
                {' · '}
                <Link to={`${entityPath(entity)}/${ISSUES_TAB}`}>issues</Link>
              </>
            }
            secondary={entity.metadata.description}
            secondaryTypographyProps={{ style: { whiteSpace: 'normal' } }}
          />
        </ListItem>
      ))}
    </List>
  );
}

/**
 * The demo portal's start page: where to look first (payments-api's sync
 * card and issues), the catalog's components and the admin page.
 */
export function HomePage() {
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error } = useAsync(
    async () =>
      (
        await catalogApi.getEntities({
          filter: { kind: 'Component' },
          fields: ['kind', 'metadata'],
        })
      ).items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)),
    [catalogApi],
  );
  const demo = value?.find(e => e.metadata.name === DEMO_COMPONENT);

  let components;
  if (loading) {
    components = <Progress />;
  } else if (error) {
    components = (
      <ResponseErrorPanel error={error} title="Could not load the catalog" />
    );
  } else if (!value?.length) {
    components = (
      <Typography variant="body2" color="textSecondary">
        The catalog has no components yet.
      </Typography>
    );
  } else {
    components = <ComponentList components={value} />;
  }

  return (
    <Content>
      <Grid container spacing={3}>
        <Grid item xs={12} md={6}>
          <InfoCard title="Start here">
            <Typography variant="body1" paragraph>
              This portal syncs the errors Backstage collects for a component
              with work items in Azure DevOps Boards (here a local emulator of
              Azure DevOps). On its first start the demo saved errors for a few
              components and linked some of them to work items.
            </Typography>
            {demo ? (
              <Typography variant="body1" component="div">
                <ul>
                  <li>
                    <Link to={entityPath(demo)}>Open {DEMO_COMPONENT}</Link>:
                    its <strong>Azure DevOps Sync</strong> card shows the
                    organization it syncs with and the sync settings.
                  </li>
                  <li>
                    <Link to={`${entityPath(demo)}/${ISSUES_TAB}`}>
                      See {DEMO_COMPONENT}&apos;s issues
                    </Link>
                    : each issue with its events over time, its linked work
                    items and their activity.
                  </li>
                  <li>
                    <Link to={ADMIN_PAGE}>The admin page</Link>: connected
                    organizations, service hook deliveries and outbound jobs.
                  </li>
                </ul>
              </Typography>
            ) : (
              <Typography variant="body1">
                <Link to="/catalog">Browse the catalog</Link> or open{' '}
                <Link to={ADMIN_PAGE}>the admin page</Link>.
              </Typography>
            )}
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={6}>
          <InfoCard
            title="Components"
            deepLink={{ link: '/catalog', title: 'The whole catalog' }}
          >
            {components}
          </InfoCard>
        </Grid>
        <TestErrorCard />
      </Grid>
    </Content>
  );
}
