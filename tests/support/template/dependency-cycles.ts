import { type CfnTemplate, isPseudoParameter, referencesIn } from './cloudformation.js';

/**
 * The resources each resource must wait for (Ref, Fn::GetAtt, Fn::Sub `${X}` / `${X.Attr}`, and
 * DependsOn), as CloudFormation orders them. A cycle makes CloudFormation refuse the template
 * ("Circular dependency between resources") before it creates anything.
 */
export function dependencyGraph(template: CfnTemplate): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const edges = new Set<string>();
    for (const reference of referencesIn(resource.Properties)) {
      if (!isPseudoParameter(reference.target) && template.Resources[reference.target]) edges.add(reference.target);
    }
    for (const dependency of [resource.DependsOn ?? []].flat()) edges.add(dependency);
    graph.set(id, edges);
  }
  return graph;
}

/** Every cycle, as the resources on it (Tarjan's strongly connected components of size > 1, or a self-edge). */
export function dependencyCycles(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];

  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node)) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/** DependsOn entries that name no resource of the template (CloudFormation refuses those too). */
export function danglingDependsOn(template: CfnTemplate): string[] {
  return Object.entries(template.Resources).flatMap(([id, resource]) =>
    [resource.DependsOn ?? []].flat().filter((target) => !template.Resources[target]).map((target) => `${id} DependsOn ${target}, which the template does not define`),
  );
}
