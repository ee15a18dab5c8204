import {
  PageBlueprint,
  createFrontendPlugin,
  createRouteRef,
} from '@backstage/frontend-plugin-api';
import { ReactRouterV6PageRouter } from '@backstage/frontend-adapter-react-router-v6';
import HomeIcon from '@material-ui/icons/Home';

/** The portal's start page, `/`. */
export const homeRouteRef = createRouteRef();

const homePage = PageBlueprint.make({
  params: {
    path: '/',
    title: 'Home',
    icon: <HomeIcon />,
    routeRef: homeRouteRef,
    loader: () =>
      import('./HomePage').then(m => (
        <ReactRouterV6PageRouter>
          <m.HomePage />
        </ReactRouterV6PageRouter>
      )),
  },
});

/**
 * The demo portal's home page at `/`, where the guest lands after signing in
 * (without it `/` is a 404): what the demo holds and the way into it.
 */
export const homePlugin = createFrontendPlugin({
  pluginId: 'demo-home',
  title: 'Home',
  icon: <HomeIcon />,
  routes: { root: homeRouteRef },
  extensions: [homePage],
});
