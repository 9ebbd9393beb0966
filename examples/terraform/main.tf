# A web service on Fargate, with the mistakes that live across resources.

resource "aws_ecs_cluster" "main" {
  name = "shop"
}

resource "aws_ecs_task_definition" "web" {
  family                   = "shop-web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  task_role_arn            = aws_iam_role.instance.arn # the EC2 instance role, not a task role
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions    = file("${path.module}/containers.json")

  volume {
    name = "uploads"
    efs_volume_configuration {
      file_system_id     = aws_efs_file_system.uploads.id
      transit_encryption = "ENABLED"
    }
  }
}

resource "aws_ecs_service" "web" {
  name            = "shop-web"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.web.arn
  launch_type     = "FARGATE"
  desired_count   = 2

  network_configuration {
    subnets         = var.private_subnets
    security_groups = [aws_security_group.web.id]
  }

  load_balancer {
    elb_name       = aws_elb.web.name # a Classic Load Balancer cannot reach awsvpc tasks
    container_name = "web"
    container_port = 8080
  }
}

resource "aws_elb" "web" {
  name    = "shop-web"
  subnets = var.public_subnets

  listener {
    instance_port     = 8080
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }
}

resource "aws_efs_file_system" "uploads" {
  encrypted = true
}

resource "aws_security_group" "web" {
  name   = "shop-web"
  vpc_id = var.vpc_id
}
