import { Request, Response, Router } from 'express';
import { callerOf, orgOf } from '../auth';
import { RouteContext } from '../context';
import { fieldName } from '../state/fieldNames';
import { AdoError } from '../util/errors';
import { matches, orderComparator, WiqlContext } from '../wiql/evaluate';
import { parseWiql, WiqlQuery, WiqlSyntaxError } from '../wiql/parser';

function syntaxError(message: string): AdoError {
  return new AdoError(
    400,
    'SyntaxException',
    `TF51006: The query statement is not valid. ${message}`,
    3200,
  );
}

/** `POST {org}[/{project}[/{team}]]/_apis/wit/wiql` for the WIQL subset in wiql/parser.ts. */
export function wiqlRoutes({ state }: RouteContext): Router {
  const router = Router();

  const run = (req: Request, res: Response) => {
    const org = orgOf(res);
    const project = req.params.project
      ? state.projectOrThrow(org, req.params.project)
      : undefined;
    const text = req.body?.query;
    if (typeof text !== 'string' || text.trim() === '') {
      throw new AdoError(
        400,
        'ArgumentException',
        'VS402327: The query text is required.',
      );
    }
    let query: WiqlQuery;
    const ctx: WiqlContext = { state, project, me: callerOf(res) };
    let ids: number[];
    try {
      query = parseWiql(text);
      const items = [...org.workItems.values()].filter(
        wi => !wi.deleted && (!query.where || matches(query.where, wi, ctx)),
      );
      items.sort(orderComparator(query.orderBy, ctx));
      ids = items.map(wi => wi.id);
    } catch (e) {
      if (e instanceof WiqlSyntaxError) throw syntaxError(e.message);
      throw e;
    }
    const top =
      req.query.$top !== undefined ? Number(req.query.$top) : undefined;
    if (top !== undefined && Number.isFinite(top) && top >= 0)
      ids = ids.slice(0, top);
    const column = (ref: string) => ({
      referenceName: ref,
      name: fieldName(ref),
      url: state.urls.field(org.name, ref),
    });
    res.json({
      queryType: 'flat',
      queryResultType: 'workItem',
      asOf: new Date().toISOString(),
      columns: query.fields.map(column),
      ...(query.orderBy.length > 0
        ? {
            sortColumns: query.orderBy.map(o => ({
              field: column(o.field),
              descending: o.descending,
            })),
          }
        : {}),
      workItems: ids.map(id => ({
        id,
        url: state.urls.workItem(org.name, id),
      })),
    });
  };

  router.post('/:org/_apis/wit/wiql', run);
  router.post('/:org/:project/_apis/wit/wiql', run);
  router.post('/:org/:project/:team/_apis/wit/wiql', run);
  return router;
}
